import VLMCompute

/// Qwen2-VL (`model_type` qwen2_vl).
enum Qwen2VLFamily: ModelFamily {
    static let modelTypes = ["qwen2_vl"]

    static func load(config: ConfigLookup, generation: ConfigLookup?, checkpoint: Checkpoint, backend: Backend) throws
        -> VisionLanguageModel
    {
        let vision = try Qwen2VLVision(checkpoint: checkpoint, config: try Qwen2VLVisionConfig(config), backend: backend)
        return try QwenVLModel(modelType: "qwen2_vl", config: config, generation: generation, checkpoint: checkpoint,
                               vision: vision, tokensPerSecond: nil, backend: backend)
    }
}
