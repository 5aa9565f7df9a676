import Foundation
import Testing
import VLMJSON

@testable import VLMMedia

/// Locates `.fixtures/media` (made by scripts/fixtures/media/make.sh) from this file's path. A
/// missing fixture is a test failure, never a skip.
enum Fixtures {
    static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent(".fixtures/media")

    static func url(_ relative: String) -> URL { root.appendingPathComponent(relative) }

    static func bytes(_ relative: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: url(relative).path) else {
            throw FixtureMissing(path: url(relative).path)
        }
        return [UInt8](data)
    }

    static func image(_ name: String) throws -> [UInt8] { try bytes("images/" + name) }

    static func floats(_ relative: String) throws -> [Float] {
        let raw = try bytes(relative)
        return raw.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
    }

    /// A JSON list of integers ([] when absent).
    static func ints(_ value: JSONValue?) -> [Int] { value?.arrayValue?.compactMap { $0.intValue } ?? [] }

    /// How many positions differ (for failure messages; arrays of unequal length count the excess).
    static func differing<T: Equatable>(_ a: [T], _ b: [T]) -> Int {
        zip(a, b).filter { $0 != $1 }.count + abs(a.count - b.count)
    }

    /// manifest.json, written by goldens.py (parsed once).
    static func manifest() throws -> JSONValue { try parsedManifest.get() }
    private static let parsedManifest = Result { try JSONParser.parse(try bytes("manifest.json")) }

    /// video.json, the committed torch-based goldens (parsed once).
    static func videoGoldens() throws -> JSONValue { try parsedVideoGoldens.get() }
    private static let parsedVideoGoldens = Result { try JSONParser.parse(try bytes("video.json")) }

    static func section(_ name: String) throws -> [JSONValue] {
        guard let entries = try manifest()[name]?.arrayValue, !entries.isEmpty else {
            throw FixtureMissing(path: "manifest.json section \(name)")
        }
        return entries
    }
}

struct FixtureMissing: Error, CustomStringConvertible {
    let path: String
    var description: String { "fixture missing: \(path) — run scripts/fixtures/media/make.sh" }
}
