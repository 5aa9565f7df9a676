import Testing
import VLMJSON
import VLMTokenizer

/// Decoding against `tokenizers`' decode on random id sequences, and the streaming decoder.
@Suite struct DecodeTests {
    @Test(arguments: ["qwen2-vl", "qwen2.5-vl", "tiny"])
    func decodeEqualsHuggingFace(variant: String) throws {
        let tokenizer = try Fixtures.tokenizer(variant)
        let cases = try Fixtures.json("reference/decode-\(variant).json")["cases"]?.arrayValue ?? []
        #expect(cases.count == 1000)
        var mismatches: [String] = []
        for item in cases {
            let ids = item["ids"]?.arrayValue?.compactMap(\.intValue) ?? []
            if tokenizer.decode(ids, skipSpecialTokens: false) != item["text"]?.stringValue
                || tokenizer.decode(ids, skipSpecialTokens: true) != item["text_skip_special"]?.stringValue
            {
                mismatches.append("\(ids)")
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) differ, first: \(mismatches.prefix(3))")
    }

    /// Random ids give invalid UTF-8 everywhere; streaming must still add up to the full decode.
    @Test(arguments: ["qwen2-vl", "tiny"])
    func streamingRandomIdsAddsUpToTheFullDecode(variant: String) throws {
        let tokenizer = try Fixtures.tokenizer(variant)
        let cases = try Fixtures.json("reference/decode-\(variant).json")["cases"]?.arrayValue ?? []
        let failures = cases.compactMap { item -> [Int]? in
            let ids = item["ids"]?.arrayValue?.compactMap(\.intValue) ?? []
            var decoder = tokenizer.makeIncrementalDecoder()
            let streamed = ids.map { decoder.add($0) }.joined() + decoder.finish()
            return streamed == item["text"]?.stringValue ? nil : ids
        }
        #expect(failures.isEmpty, "\(failures.count) differ, first: \(failures.prefix(3))")
    }

    @Test func streamingHoldsBackACharacterSplitAcrossTokens() throws {
        let tokenizer = try Fixtures.tokenizer("qwen2-vl")
        #expect(tokenizer.encode("𠀀") == [172, 63219, 222])
        var decoder = tokenizer.makeIncrementalDecoder()
        #expect([172, 63219, 222].map { decoder.add($0) } == ["", "", "𠀀"])
        #expect(decoder.finish() == "")
    }

    @Test func streamingEndsAnUnfinishedCharacterWithReplacement() throws {
        let tokenizer = try Fixtures.tokenizer("qwen2-vl")
        var decoder = tokenizer.makeIncrementalDecoder()
        #expect(decoder.add(160) == "")  // the byte 0xE4, the start of a three-byte character
        #expect(decoder.add(9707) == "\u{FFFD}Hello")
        #expect(decoder.add(160) == "")
        #expect(decoder.finish() == "\u{FFFD}")
    }

    @Test func streamingSkipsSpecialTokensWhenAsked() throws {
        let tokenizer = try Fixtures.tokenizer("qwen2-vl")
        var decoder = tokenizer.makeIncrementalDecoder(skipSpecialTokens: true)
        #expect(decoder.add([151644, 9707, 151645]) == "Hello")
    }

    @Test func unknownIdsAreSkipped() throws {
        let tokenizer = try Fixtures.tokenizer("qwen2-vl")
        #expect(tokenizer.decode([-1, 9707, 151657, 1_000_000]) == "Hello")
    }
}
