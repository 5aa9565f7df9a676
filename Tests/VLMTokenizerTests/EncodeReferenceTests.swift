import Foundation
import Synchronization
import Testing
import VLMTokenizer

/// Ids, round trips and streaming against Hugging Face `tokenizers` on the corpus, seeded random
/// strings and a generated document over 1 MB (scripts/fixtures/tokenizer/make_reference.py).
@Suite struct EncodeReferenceTests {
    static let variants = ["qwen2-vl", "qwen2.5-vl", "tiny"]

    @Test(arguments: variants)
    func idsEqualHuggingFace(variant: String) throws {
        let tokenizer = try Fixtures.tokenizer(variant)
        let cases = try Fixtures.encodeCases(variant)
        #expect(cases.count > 3000)
        let failures = cases.compactMap { item -> String? in
            let ids = tokenizer.encode(item.text)
            return ids == item.ids ? nil : "\(item.name) \(item.text.debugDescription.prefix(80)): \(Fixtures.firstDifference(ids, item.ids))"
        }
        #expect(failures.isEmpty, "\(failures.count) cases differ, first: \(failures.prefix(5))")
    }

    /// Not for "tiny": its lstrip/rstrip tokens drop whitespace on purpose.
    @Test(arguments: ["qwen2-vl", "qwen2.5-vl"])
    func decodeOfEncodeIsTheNFCText(variant: String) throws {
        let tokenizer = try Fixtures.tokenizer(variant)
        let failures = try Fixtures.encodeCases(variant).filter { tokenizer.decode(tokenizer.encode($0.text)) != $0.nfc }
        #expect(failures.isEmpty, "\(failures.count) cases differ, first: \(failures.prefix(3).map(\.name))")
    }

    @Test(arguments: variants)
    func incrementalDecodingConcatenatesToTheFullDecode(variant: String) throws {
        let tokenizer = try Fixtures.tokenizer(variant)
        let failures = try Fixtures.encodeCases(variant).filter { item in
            var decoder = tokenizer.makeIncrementalDecoder()
            let streamed = item.ids.map { decoder.add($0) }.joined() + decoder.finish()
            return streamed != tokenizer.decode(item.ids)
        }
        #expect(failures.isEmpty, "\(failures.count) cases differ, first: \(failures.prefix(3).map(\.name))")
    }

    /// Encoders borrow separate working memory, so threads sharing one tokenizer agree with a single one.
    @Test func concurrentEncodesGiveTheSameIds() throws {
        let tokenizer = try Fixtures.tokenizer("qwen2-vl")
        let cases = Array(try Fixtures.encodeCases("qwen2-vl").prefix(400))
        let results = Mutex([[Int]?](repeating: nil, count: cases.count))
        DispatchQueue.concurrentPerform(iterations: cases.count) { index in
            let ids = tokenizer.encode(cases[index].text)
            results.withLock { $0[index] = ids }
        }
        #expect(results.withLock { $0 } == cases.map(\.ids))
    }
}
