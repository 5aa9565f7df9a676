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

    /// Each tokenizer is loaded once per test process (tokenizer.json is 7 MB).
    private static let loaded: [String: Result<Tokenizer, Error>] = Dictionary(
        uniqueKeysWithValues: ["qwen2-vl", "qwen2.5-vl", "tiny"].map { variant in
            (variant, Result { try Tokenizer(directory: directory(variant)) })
        })

    static func tokenizer(_ variant: String) throws -> Tokenizer {
        guard let result = loaded[variant] else { throw Missing(path: variant) }
        return try result.get()
    }

    struct EncodeCase {
        let name: String
        let text: String
        let ids: [Int]
        let nfc: String
    }

    /// Reference encodings, parsed once per test process.
    private static let loadedCases: [String: Result<[EncodeCase], Error>] = Dictionary(
        uniqueKeysWithValues: ["qwen2-vl", "qwen2.5-vl", "tiny"].map { variant in
            (variant, Result {
                try (json("reference/encode-\(variant).json")["cases"]?.arrayValue ?? []).map { item in
                    EncodeCase(name: item["name"]?.stringValue ?? "", text: item["text"]?.stringValue ?? "",
                               ids: item["ids"]?.arrayValue?.compactMap(\.intValue) ?? [],
                               nfc: item["nfc"]?.stringValue ?? "")
                }
            })
        })

    static func encodeCases(_ variant: String) throws -> [EncodeCase] {
        guard let result = loadedCases[variant] else { throw Missing(path: variant) }
        return try result.get()
    }

    /// Where two id lists first differ, for failure messages.
    static func firstDifference(_ got: [Int], _ want: [Int]) -> String {
        let index = zip(got, want).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(got.count, want.count)
        return "at \(index): got \(got[index..<min(index + 5, got.count)]) want \(want[index..<min(index + 5, want.count)])"
    }
}
