/// Qwen2.5-VL vision settings beyond Qwen2-VL's: window attention and the video time scale. Here
/// `hidden_size` is the ViT width (a tensor shape, not read) and `out_hidden_size` the merger output.
public struct Qwen25VLVisionConfig: Sendable, Equatable {
    public var base: Qwen2VLVisionConfig
    /// Window edge in pixels (112 → 4×4 merged tokens).
    public var windowSize: Int
    /// Blocks with full (per-frame) attention; the others attend within windows.
    public var fullAttentionBlocks: Set<Int>
    public var tokensPerSecond: Int

    public init(_ config: ConfigLookup) throws {
        base = try Qwen2VLVisionConfig(config)
        windowSize = try config.int(["vision_config.window_size"], default: 112)
        fullAttentionBlocks = Set(try config.intArray(["vision_config.fullatt_block_indexes"], default: [7, 15, 23, 31]))
        // transformers' class default is 4 while every real file says 2: never guess it.
        tokensPerSecond = try config.int(["vision_config.tokens_per_second"],
                                         hint: "Qwen2.5-VL checkpoints set vision_config.tokens_per_second (2)")
        guard windowSize / base.spatialMergeSize / base.patchSize > 0 else {
            throw ModelConfigError.invalidValue(file: config.file, key: "vision_config.window_size",
                                                reason: "\(windowSize) is smaller than one merged patch")
        }
    }

    /// Window edge in merged tokens.
    public var windowTokens: Int { windowSize / base.spatialMergeSize / base.patchSize }
}
