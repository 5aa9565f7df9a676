import Foundation
import VLMJSON
import VLMTokenizer

/// The generated fixtures under .fixtures/tokenizer (scripts/fixtures/tokenizer/make.sh). A missing
/// fixture fails the test that needs it, with the command that makes it.
enum Fixtures {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent(".fixtures/tokenizer")

    struct Missing: Error, CustomStringConvertible {
        let path: String
        var description: String { "missing fixture \(path): run scripts/fixtures/tokenizer/make.sh" }
    }

    static func directory(_ variant: String) -> URL { root.appendingPathComponent(variant) }

    static func bytes(_ relativePath: String) throws -> [UInt8] {
        let url = root.appendingPathComponent(relativePath)
        guard let data = FileManager.default.contents(atPath: url.path) else { throw Missing(path: url.path) }
        return [UInt8](data)
    }

    static func json(_ relativePath: String) throws -> JSONValue {
        try JSONParser.parse(try bytes(relativePath))
    }

    /// Each tokenizer is loaded once per test process (tokenizer.json is 7 MB), each in its own lazy
    /// static so that parallel tests load them in parallel.
    private static let qwen2VL = Result { try Tokenizer(directory: directory("qwen2-vl")) }
    private static let qwen25VL = Result { try Tokenizer(directory: directory("qwen2.5-vl")) }
    private static let tiny = Result { try Tokenizer(directory: directory("tiny")) }

    static func tokenizer(_ variant: String) throws -> Tokenizer {
        switch variant {
        case "qwen2-vl": return try qwen2VL.get()
        case "qwen2.5-vl": return try qwen25VL.get()
        case "tiny": return try tiny.get()
        default: throw Missing(path: variant)
        }
    }

    struct EncodeCase {
        let name: String
        let text: String
        let ids: [Int]
        let nfc: String
    }

    /// Reference encodings, parsed once per test process.
    private static let qwen2VLCases = Result { try readEncodeCases("qwen2-vl") }
    private static let qwen25VLCases = Result { try readEncodeCases("qwen2.5-vl") }
    private static let tinyCases = Result { try readEncodeCases("tiny") }

    static func encodeCases(_ variant: String) throws -> [EncodeCase] {
        switch variant {
        case "qwen2-vl": return try qwen2VLCases.get()
        case "qwen2.5-vl": return try qwen25VLCases.get()
        case "tiny": return try tinyCases.get()
        default: throw Missing(path: variant)
        }
    }

    private static func readEncodeCases(_ variant: String) throws -> [EncodeCase] {
        try (json("reference/encode-\(variant).json")["cases"]?.arrayValue ?? []).map { item in
            EncodeCase(name: item["name"]?.stringValue ?? "", text: item["text"]?.stringValue ?? "",
                       ids: item["ids"]?.arrayValue?.compactMap(\.intValue) ?? [], nfc: item["nfc"]?.stringValue ?? "")
        }
    }

    /// Where two id lists first differ, for failure messages.
    static func firstDifference(_ got: [Int], _ want: [Int]) -> String {
        let index = zip(got, want).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(got.count, want.count)
        return "at \(index): got \(got[index..<min(index + 5, got.count)]) want \(want[index..<min(index + 5, want.count)])"
    }
}
