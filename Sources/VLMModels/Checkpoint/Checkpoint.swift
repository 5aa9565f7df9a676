#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import VLMCompute
import VLMJSON

/// The weights of a checkpoint folder: `model.safetensors`, or the shards listed by
/// `model.safetensors.index.json`. Names are normalised to the original Qwen layout (`model.*` for the
/// language model, `visual.*` for the vision tower), so checkpoints saved by transformers v5
/// (`model.language_model.*`, `model.visual.*`) load through the same names.
public final class Checkpoint {
    public let directory: String
    private let files: [SafetensorsFile]
    /// Canonical name → (file index, name as stored).
    private let locations: [String: (file: Int, stored: String)]

    public init(directory: String) throws {
        self.directory = directory
        let indexPath = directory + "/model.safetensors.index.json"
        let singlePath = directory + "/model.safetensors"
        var files: [SafetensorsFile] = []
        if FileManager.default.fileExists(atPath: indexPath) {
            let weightMap = try Self.weightMap(indexPath: indexPath)
            for shard in try Self.shardNames(weightMap, indexPath: indexPath) {
                let path = directory + "/" + shard
                guard FileManager.default.fileExists(atPath: path) else {
                    throw CheckpointError.missingShard(file: shard, index: indexPath)
                }
                files.append(try SafetensorsFile(path: path))
            }
            try Self.checkIndex(weightMap, indexPath: indexPath, files: files)
        } else if FileManager.default.fileExists(atPath: singlePath) {
            files.append(try SafetensorsFile(path: singlePath))
        } else {
            throw CheckpointError.noWeights(directory: directory)
        }
        var locations: [String: (file: Int, stored: String)] = [:]
        for (index, file) in files.enumerated() {
            for name in file.names { locations[Self.canonicalName(name)] = (index, name) }
        }
        self.files = files
        self.locations = locations
    }

    /// Maps transformers-v5 names to the original layout; other names are unchanged.
    public static func canonicalName(_ name: String) -> String {
        if name.hasPrefix("model.language_model.") { return "model." + name.dropFirst("model.language_model.".count) }
        if name.hasPrefix("model.visual.") { return "visual." + name.dropFirst("model.visual.".count) }
        return name
    }

    public func contains(_ name: String) -> Bool { locations[name] != nil }

    /// Canonical names of every tensor.
    public var tensorNames: [String] { Array(locations.keys) }

    public func shape(of name: String) throws -> [Int] { try tensor(name).shape }

    /// The tensor stored under the canonical `name` (a view into the mapped file).
    public func tensor(_ name: String) throws -> Tensor {
        guard let location = locations[name], let tensor = files[location.file].tensor(location.stored) else {
            throw CheckpointError.missingTensor(name: name, directory: directory)
        }
        return tensor
    }

    /// The tensor `name`, which must have exactly `shape`.
    public func tensor(_ name: String, shape: [Int]) throws -> Tensor {
        let tensor = try tensor(name)
        guard tensor.shape == shape else {
            throw CheckpointError.wrongShape(tensor: locations[name]?.stored ?? name, expected: shape, found: tensor.shape)
        }
        return tensor
    }

    /// Distinct shard file names of an index, in first-mention order.
    private static func shardNames(_ weightMap: JSONObject, indexPath: String) throws -> [String] {
        var seen = Set<String>(), shards: [String] = []
        for (_, value) in weightMap {
            guard let file = value.stringValue, !file.contains("/") else {
                throw CheckpointError.malformedIndex(file: indexPath, reason: "weight_map values must be file names in the folder")
            }
            if seen.insert(file).inserted { shards.append(file) }
        }
        return shards
    }

    /// Every tensor the index lists must be in the shard it names.
    private static func checkIndex(_ weightMap: JSONObject, indexPath: String, files: [SafetensorsFile]) throws {
        let byFile = Dictionary(files.map { (String($0.path.split(separator: "/").last ?? ""), $0) }, uniquingKeysWith: { a, _ in a })
        for (name, value) in weightMap {
            guard let file = value.stringValue, byFile[file]?.entries[name] != nil else {
                throw CheckpointError.malformedIndex(file: indexPath, reason: "it maps \(name) to \(value.stringValue ?? "?"), which does not contain it")
            }
        }
    }

    private static func weightMap(indexPath: String) throws -> JSONObject {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: indexPath))
        } catch {
            throw CheckpointError.unreadable(file: indexPath, reason: "\(error)")
        }
        do {
            guard let map = try JSONParser.parse(data)["weight_map"]?.objectValue else {
                throw CheckpointError.malformedIndex(file: indexPath, reason: "no weight_map object")
            }
            return map
        } catch let error as CheckpointError {
            throw error
        } catch {
            throw CheckpointError.malformedIndex(file: indexPath, reason: "\(error)")
        }
    }
}
