import VLMCompute

/// Qwen2.5-VL (`model_type` qwen2_5_vl): the Qwen2 decoder with the windowed vision tower and
/// time-scaled video positions.
enum Qwen25VLFamily: ModelFamily {
    static let modelTypes = ["qwen2_5_vl"]

    static func load(config: ConfigLookup, generation: ConfigLookup?, checkpoint: Checkpoint, backend: Backend) throws
        -> VisionLanguageModel
    {
        let visionConfig = try Qwen25VLVisionConfig(config)
        let vision = try Qwen25VLVision(checkpoint: checkpoint, config: visionConfig, backend: backend)
        return try QwenVLModel(modelType: "qwen2_5_vl", config: config, generation: generation, checkpoint: checkpoint,
                               vision: vision, tokensPerSecond: visionConfig.tokensPerSecond, backend: backend)
    }
}
