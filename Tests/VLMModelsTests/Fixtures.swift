import ModelFixtureFiles
import VLMJSON
import VLMModels

/// The shared model fixtures (Tests/ModelFixtureFiles), plus the vision inputs of a golden case as
/// VLMModels takes them.
typealias Fixtures = ModelFixtureFiles

extension ModelFixtureFiles {
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
