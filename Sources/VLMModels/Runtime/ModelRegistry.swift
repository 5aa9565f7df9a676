#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import VLMCompute

/// A model family: the `model_type` values it serves and how it builds a model from a checkpoint folder.
/// Adding a family is one folder with a type conforming to this, listed in `ModelRegistry.families`.
public protocol ModelFamily {
    static var modelTypes: [String] { get }
    static func load(config: ConfigLookup, generation: ConfigLookup?, checkpoint: Checkpoint, backend: Backend) throws
        -> VisionLanguageModel
}

public enum ModelRegistry {
    static let families: [ModelFamily.Type] = [Qwen2VLFamily.self, Qwen25VLFamily.self]

    public static var supportedModelTypes: [String] { families.flatMap { $0.modelTypes } }

    /// Loads the checkpoint folder `directory` (config.json, optional generation_config.json, safetensors).
    public static func load(directory: String, backend: Backend) throws -> VisionLanguageModel {
        let configPath = directory + "/config.json"
        let config = try ConfigLookup.load(path: configPath)
        let modelType = config.find(["model_type"])?.value.stringValue
        guard let modelType, let family = families.first(where: { $0.modelTypes.contains(modelType) }) else {
            throw ModelConfigError.unknownModelType(modelType, file: configPath, known: supportedModelTypes)
        }
        let generationPath = directory + "/generation_config.json"
        let generation = FileManager.default.fileExists(atPath: generationPath) ? try ConfigLookup.load(path: generationPath) : nil
        let checkpoint = try Checkpoint(directory: directory)
        return try family.load(config: config, generation: generation, checkpoint: checkpoint, backend: backend)
    }
}
