import VLMCompute

/// Qwen2.5-VL (`model_type` qwen2_5_vl): the Qwen2 decoder with the windowed vision tower and
/// time-scaled video positions.
enum Qwen25VLFamily: ModelFamily {
    static let modelTypes = ["qwen2_5_vl"]

    static func load(config: ConfigLookup, generation: ConfigLookup?, checkpoint: Checkpoint, backend: Backend) throws
        -> VisionLanguageModel
    {
        let text = try Qwen2TextConfig(config)
        let tokens = try VisionTokenConfig(config, generation: generation)
        let visionConfig = try Qwen25VLVisionConfig(config)
        return try QwenVLModel(
            modelType: "qwen2_5_vl",
            decoder: try Qwen2Decoder(checkpoint: checkpoint, config: text, backend: backend),
            vision: try Qwen25VLVision(checkpoint: checkpoint, config: visionConfig, backend: backend),
            tokens: tokens, maxPositionEmbeddings: text.maxPositionEmbeddings,
            tokensPerSecond: visionConfig.tokensPerSecond, backend: backend)
    }
}
