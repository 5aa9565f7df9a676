import Testing
@testable import VLMTokenizer

/// The hand-written Qwen2 Split regex against Oniguruma as `tokenizers` runs it.
@Suite struct PreTokenizerTests {
    func pieces(_ text: String) -> [String] {
        var text = text
        return text.withUTF8 { bytes in
            var result: [String] = []
            QwenPreTokenizer().split(bytes) { result.append(String(decoding: bytes[$0], as: UTF8.self)) }
            return result
        }
    }

    @Test func wordsTakeTheirLeadingSpace() {
        #expect(pieces("Hello world!") == ["Hello", " world", "!"])
    }

    @Test func contractionsMatchInAnyCaseAndLongS() {
        #expect(pieces("it's IT'S we'Re they'VE I'M you'LL he'D 'ſ x'sam") == [
            "it", "'s", " IT", "'S", " we", "'Re", " they", "'VE", " I", "'M", " you", "'LL", " he", "'D",
            " '", "ſ", " x", "'s", "am",
        ])
    }

    @Test func whitespaceRunsLeaveTheirLastSpaceToTheNextWord() {
        #expect(pieces("a   b\t\tc  \n  d \r\n\r\n e  ") == [
            "a", "  ", " b", "\t", "\tc", "  \n", " ", " d", " \r\n\r\n", " e", "  ",
        ])
    }

    @Test func numbersAreSingleDigits() {
        #expect(pieces("12345 ab12") == ["1", "2", "3", "4", "5", " ab", "1", "2"])
    }

    @Test func punctuationKeepsItsTrailingNewlines() {
        #expect(pieces("!!!\n\nfoo ...bar") == ["!!!\n\n", "foo", " ...", "bar"])
    }

    @Test func punctuationLeadsAFollowingWord() {
        #expect(pieces("你好，世界！") == ["你好", "，世界", "！"])
        #expect(pieces("\u{a0}x \u{3000}y") == ["\u{a0}x", " ", "\u{3000}y"])
    }

    /// Every code point's class (letter, number, whitespace, other) as the regex engine sees it,
    /// from reference/unicode-classes.txt.
    @Test func everyCodePointIsClassifiedLikeOniguruma() throws {
        let text = String(decoding: try Fixtures.bytes("reference/unicode-classes.txt"), as: UTF8.self)
        let properties = ScalarProperties.shared
        var mismatches: [String] = []
        var covered = 0
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard fields.count == 3, let first = UInt32(fields[0], radix: 16), let last = UInt32(fields[1], radix: 16) else {
                Issue.record("bad line \(line)")
                continue
            }
            for value in first...last {
                let entry = properties.entry(value)
                let kind = entry & ScalarProperties.letter != 0 ? "L"
                    : entry & ScalarProperties.number != 0 ? "N"
                    : entry & ScalarProperties.whitespace != 0 ? "S" : "O"
                if kind != fields[2], mismatches.count < 10 { mismatches.append("\(String(value, radix: 16)): \(kind) not \(fields[2])") }
                covered += 1
            }
        }
        #expect(covered == 0x110000 - 0x800)
        #expect(mismatches.isEmpty, "\(mismatches)")
    }
}
