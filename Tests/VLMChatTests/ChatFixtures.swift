import Foundation
import VLMJSON

/// The chat fixtures scripts/fixtures/template/make_fixtures.py writes: Qwen2-VL / Qwen2.5-VL model
/// folders and requests rendered by transformers' apply_chat_template.
enum ChatFixtures {
    static let directory: URL = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" && !FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
            url.deleteLastPathComponent()
        }
        return url.appendingPathComponent(".fixtures/template")
    }()

    static func modelFolder(_ family: String) -> String {
        directory.appendingPathComponent(family).path
    }

    /// Every case; throws (failing the test) when the fixture has not been generated.
    static func cases() throws -> [JSONObject] {
        let data = try Data(contentsOf: directory.appendingPathComponent("chat_cases.json"))
        return (try JSONParser.parse(data).arrayValue ?? []).compactMap(\.objectValue)
    }
}

/// A scratch folder for loader tests, removed by the caller.
func makeModelFolder(_ files: [String: String]) throws -> URL {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("vlm-chat-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    for (name, text) in files {
        try Data(text.utf8).write(to: folder.appendingPathComponent(name))
    }
    return folder
}
