#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import VLMJSON
import VLMModels

/// Locates the generated model fixtures (scripts/fixtures/model/make.sh) and the committed goldens.
/// A missing fixture throws, so the test fails rather than skips.
enum Fixtures {
    struct Missing: Error, CustomStringConvertible {
        let path: String
        var description: String { "missing fixture \(path): run scripts/fixtures/generate.sh" }
    }

    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path
    static let modelNames = ["qwen2-vl-tiny", "qwen2.5-vl-tiny"]
    static let caseNames = ["text", "one-image", "two-images", "image-video", "multi-turn"]

    static func existing(_ path: String) throws -> String {
        guard FileManager.default.fileExists(atPath: path) else { throw Missing(path: path) }
        return path
    }

    static func modelDirectory(_ name: String) throws -> String {
        try existing(packageRoot + "/.fixtures/model/" + name)
    }

    static func golden(_ model: String) throws -> JSONValue {
        let path = try existing(packageRoot + "/scripts/fixtures/model/golden/\(model).json")
        return try JSONParser.parse(try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    static func goldenCase(_ model: String, _ name: String) throws -> JSONValue {
        guard let found = try golden(model)["cases"]?.arrayValue?.first(where: { $0["name"]?.stringValue == name }) else {
            throw Missing(path: "golden \(model) case \(name)")
        }
        return found
    }

    /// Little-endian float32 patch rows written by scripts/fixtures/model/cases.py.
    static func patches(_ media: String) throws -> [Float] {
        let data = try Data(contentsOf: URL(fileURLWithPath: try existing(packageRoot + "/.fixtures/model/inputs/\(media).f32")))
        return data.withUnsafeBytes { raw in
            (0 ..< data.count / 4).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self))) }
        }
    }

    /// The vision inputs of a golden case, in prompt order.
    static func visionInputs(_ goldenCase: JSONValue) throws -> [VisionInput] {
        try (goldenCase["items"]?.arrayValue ?? []).map { item in
            let grid = item["grid"]?.arrayValue?.compactMap(\.intValue) ?? []
            return VisionInput(isVideo: item["kind"]?.stringValue == "video", patches: try patches(item["media"]?.stringValue ?? ""),
                               grid: VisionGrid(t: grid[0], h: grid[1], w: grid[2]),
                               secondPerGrid: item["second_per_grid"]?.doubleValue ?? 0)
        }
    }
}

extension JSONValue {
    var ints: [Int] { arrayValue?.compactMap(\.intValue) ?? [] }
    var floats: [Float] { arrayValue?.compactMap { $0.doubleValue.map(Float.init) } ?? [] }
}
