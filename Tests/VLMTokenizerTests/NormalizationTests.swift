import Testing
import VLMJSON
@testable import VLMTokenizer

/// NFC against `tokenizers`' NFC normalizer (Unicode 9.0 tables), from reference/unicode-nfc.json.
@Suite struct NormalizationTests {
    func normalize(_ text: String) -> String {
        var text = text
        return text.withUTF8 { bytes in
            NFCNormalizer().normalize(bytes).map { String(decoding: $0, as: UTF8.self) } ?? String(decoding: bytes, as: UTF8.self)
        }
    }

    @Test func everyCodePointNormalizesLikeTokenizers() throws {
        let reference = try Fixtures.json("reference/unicode-nfc.json")
        var changed: [UInt32: String] = [:]
        for pair in reference["scalars"]?.arrayValue ?? [] {
            guard let value = pair.arrayValue?.first?.intValue, let nfc = pair.arrayValue?.last?.stringValue else { continue }
            changed[UInt32(value)] = nfc
        }
        #expect(changed.count > 1000)
        var mismatches: [String] = []
        for value in UInt32(0)..<0x110000 {
            guard let scalar = Unicode.Scalar(value) else { continue }
            let text = String(scalar)
            if normalize(text) != changed[value] ?? text, mismatches.count < 10 { mismatches.append(String(value, radix: 16)) }
        }
        #expect(mismatches.isEmpty, "\(mismatches)")
    }

    @Test func combiningMarkSequencesNormalizeLikeTokenizers() throws {
        let strings = try Fixtures.json("reference/unicode-nfc.json")["strings"]?.arrayValue ?? []
        #expect(strings.count == 3000)
        let mismatches = strings.compactMap { pair -> String? in
            guard let text = pair.arrayValue?.first?.stringValue, let nfc = pair.arrayValue?.last?.stringValue else { return "bad entry" }
            return normalize(text) == nfc ? nil : text.unicodeScalars.map { String($0.value, radix: 16) }.joined(separator: " ")
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(5))")
    }

    @Test func composesDecomposedLatinAndHangul() {
        #expect(normalize("e\u{301} \u{1100}\u{1161}\u{11A8}") == "é 각")
    }

    /// A hostile run of 100,000 combining marks in reverse class order is sorted, not left to a
    /// quadratic insertion sort.
    @Test func longRunsOfCombiningMarksAreReordered() {
        let marks = String(repeating: "\u{301}\u{316}", count: 50_000)
        let expected = "\u{E1}" + String(repeating: "\u{316}", count: 50_000) + String(repeating: "\u{301}", count: 49_999)
        #expect(normalize("a" + marks) == expected)
    }

    @Test func leavesCharactersNewerThanUnicode9Alone() {
        // U+113C2 U+113C2 compose to U+113C5 in Unicode 16, which tokenizers' tables predate.
        #expect(normalize("\u{113C2}\u{113C2}") == "\u{113C2}\u{113C2}")
    }
}
