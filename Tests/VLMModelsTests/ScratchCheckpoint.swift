#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import VLMJSON

/// A throw-away copy of a fixture checkpoint (files symlinked) that a test damages on purpose.
struct ScratchCheckpoint {
    let source: String
    let directory: String

    init(copying model: String) throws {
        source = try Fixtures.modelDirectory(model)
        directory = FileManager.default.temporaryDirectory.path + "/vlm-model-test-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for file in try FileManager.default.contentsOfDirectory(atPath: source) where !file.hasPrefix(".") {
            try FileManager.default.createSymbolicLink(atPath: directory + "/" + file, withDestinationPath: source + "/" + file)
        }
    }

    func original(_ file: String) throws -> Data {
        try Data(contentsOf: URL(fileURLWithPath: source + "/" + file))
    }

    func write(_ file: String, _ data: Data) throws {
        try? FileManager.default.removeItem(atPath: directory + "/" + file)
        try data.write(to: URL(fileURLWithPath: directory + "/" + file))
    }

    func write(_ file: String, _ text: String) throws {
        try write(file, Data(text.utf8))
    }

    func remove(_ file: String) throws {
        try FileManager.default.removeItem(atPath: directory + "/" + file)
    }

    /// Removes the folder (the fixtures it links to stay).
    func delete() {
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// A safetensors file rewritten without `dropping` and with `reshaping` given a smaller shape
    /// (its leading bytes kept).
    static func rewrite(_ data: Data, dropping: String? = nil, reshaping: (name: String, shape: [Int])? = nil) throws -> Data {
        let headerLength = data.prefix(8).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        guard case let .object(header) = try JSONParser.parse(data[8 ..< 8 + headerLength]) else { return data }
        var newHeader = JSONObject(), payload = Data()
        let entries = header.filter { $0.key != "__metadata__" && $0.key != dropping }
            .sorted { ($0.value["data_offsets"]?.ints.first ?? 0) < ($1.value["data_offsets"]?.ints.first ?? 0) }
        for (name, entry) in entries {
            let offsets = entry["data_offsets"]!.ints
            var shape = entry["shape"]!.ints
            var bytes = data[8 + headerLength + offsets[0] ..< 8 + headerLength + offsets[1]]
            if name == reshaping?.name, let newShape = reshaping?.shape {
                bytes = bytes.prefix(newShape.reduce(1, *) * bytes.count / max(shape.reduce(1, *), 1))
                shape = newShape
            }
            newHeader[name] = .object(JSONObject([
                ("dtype", entry["dtype"]!), ("shape", .array(shape.map { .int($0) })),
                ("data_offsets", .array([.int(payload.count), .int(payload.count + bytes.count)])),
            ]))
            payload.append(bytes)
        }
        let json = Data(JSONValue.object(newHeader).serialized().utf8)
        var out = Data((0 ..< 8).map { UInt8(truncatingIfNeeded: json.count >> (8 * $0)) })
        out.append(json)
        out.append(payload)
        return out
    }
}
