import VLMCompute

/// Qwen2-VL (`model_type` qwen2_vl).
enum Qwen2VLFamily: ModelFamily {
    static let modelTypes = ["qwen2_vl"]

    static func load(config: ConfigLookup, generation: ConfigLookup?, checkpoint: Checkpoint, backend: Backend) throws
        -> VisionLanguageModel
    {
        let text = try Qwen2TextConfig(config)
        let tokens = try VisionTokenConfig(config, generation: generation)
        let visionConfig = try Qwen2VLVisionConfig(config)
        return try QwenVLModel(
            modelType: "qwen2_vl",
            decoder: try Qwen2Decoder(checkpoint: checkpoint, config: text, backend: backend),
            vision: try Qwen2VLVision(checkpoint: checkpoint, config: visionConfig, backend: backend),
            tokens: tokens, maxPositionEmbeddings: text.maxPositionEmbeddings, tokensPerSecond: nil, backend: backend)
    }
}
