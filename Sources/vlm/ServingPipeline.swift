import Logging
import VLMEngine
import VLMServer

/// The engine and model frontend `vlm serve` runs, loaded from a checkpoint folder.
struct ServingPipeline {
    let engine: any GenerationEngine
    let frontend: any ModelFrontend
    let shutdown: () -> Void

    static func load(checkpoint: String, engine options: EngineOptions, settings: inout ServerSettings, logger: Logger) throws -> ServingPipeline {
        throw ServeConfigurationError("vlm serve needs the engine, chat template and media modules, which are not merged into this build yet.")
    }
}
