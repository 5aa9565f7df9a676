#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Language-model settings that tensor shapes cannot tell, read from any of the config.json layouts
/// (flat top level, `text_config`, `rope_scaling` with `type`/`rope_type`, `rope_parameters`).
public struct Qwen2TextConfig: Sendable, Equatable {
    public var numAttentionHeads: Int
    public var numHiddenLayers: Int
    /// nil: hidden_size / num_attention_heads.
    public var headDim: Int?
    public var rmsNormEps: Double
    public var ropeTheta: Double
    /// Frequencies per axis (t, h, w); sums to head_dim / 2.
    public var mropeSection: [Int]
    public var tieWordEmbeddings: Bool
    public var maxPositionEmbeddings: Int
}

extension Qwen2TextConfig {
    /// Text fields live in `text_config` (transformers ≥ 4.5x) or at the top level (original files).
    static func textPaths(_ key: String) -> [String] { ["text_config.\(key)", key] }

    /// rope settings: `rope_scaling` wins over `rope_parameters` (as transformers reads them), text_config first.
    static func ropePaths(_ key: String) -> [String] {
        ["text_config.rope_scaling.\(key)", "text_config.rope_parameters.\(key)", "rope_scaling.\(key)", "rope_parameters.\(key)"]
    }

    public init(_ config: ConfigLookup) throws {
        numAttentionHeads = try config.int(Self.textPaths("num_attention_heads"))
        numHiddenLayers = try config.int(Self.textPaths("num_hidden_layers"))
        headDim = try config.find(Self.textPaths("head_dim")).map { _ in try config.int(Self.textPaths("head_dim")) }
        // transformers' class default is 1e-5 while every real file says 1e-6: never guess it.
        rmsNormEps = try config.double(Self.textPaths("rms_norm_eps"), hint: "Qwen2-VL checkpoints set it (1e-6)")
        ropeTheta = try config.double(Self.ropePaths("rope_theta") + Self.textPaths("rope_theta"), default: 1_000_000)
        mropeSection = try config.intArray(Self.ropePaths("mrope_section"),
                                           hint: "M-RoPE needs rope_scaling.mrope_section (e.g. [16, 24, 24])")
        let ropeType = try config.string(Self.ropePaths("rope_type") + Self.ropePaths("type"), default: "default")
        guard ropeType == "default" || ropeType == "mrope" else {
            throw ModelConfigError.invalidValue(file: config.file, key: "rope_type",
                                                reason: "is \"\(ropeType)\"; only the default M-RoPE is supported")
        }
        // transformers ties when the top level says so or when a pre-v5 text_config does.
        tieWordEmbeddings = try config.bool(["tie_word_embeddings"], default: false)
            || config.bool(["text_config.tie_word_embeddings"], default: false)
        maxPositionEmbeddings = try config.int(Self.textPaths("max_position_embeddings"), default: 32768)
        guard numAttentionHeads > 0, numHiddenLayers > 0, mropeSection.count == 3, mropeSection.allSatisfy({ $0 >= 0 }) else {
            throw ModelConfigError.invalidValue(file: config.file, key: "text config",
                                                reason: "needs positive head and layer counts and a 3-entry mrope_section")
        }
    }
}

/// Token ids and stop tokens shared by the Qwen2-VL family.
public struct VisionTokenConfig: Sendable, Equatable {
    public var imageTokenId: Int
    public var videoTokenId: Int
    public var visionStartTokenId: Int
    public var eosTokenIds: [Int]

    /// `generation` is generation_config.json when the folder has one.
    public init(_ config: ConfigLookup, generation: ConfigLookup?) throws {
        imageTokenId = try config.int(["image_token_id", "text_config.image_token_id"], default: 151655)
        videoTokenId = try config.int(["video_token_id", "text_config.video_token_id"], default: 151656)
        visionStartTokenId = try config.int(["vision_start_token_id", "text_config.vision_start_token_id"], default: 151652)
        let configEOS = try config.intOrIntArray(Qwen2TextConfig.textPaths("eos_token_id"), default: [151645])
        eosTokenIds = try generation?.intOrIntArray(["eos_token_id"], default: configEOS) ?? configEOS
    }
}

/// Qwen2-VL vision settings. Official files carry a minimal vision_config and rely on these class
/// defaults, which are the real values; widths come from tensor shapes.
public struct Qwen2VLVisionConfig: Sendable, Equatable {
    public var depth: Int
    public var numHeads: Int
    public var patchSize: Int
    public var temporalPatchSize: Int
    public var spatialMergeSize: Int
    public var inChannels: Int
    public var ropeTheta: Double
}

extension Qwen2VLVisionConfig {
    public init(_ config: ConfigLookup) throws {
        depth = try config.int(["vision_config.depth"], default: 32)
        numHeads = try config.int(["vision_config.num_heads"], default: 16)
        patchSize = try config.int(["vision_config.patch_size", "vision_config.spatial_patch_size"], default: 14)
        temporalPatchSize = try config.int(["vision_config.temporal_patch_size"], default: 2)
        spatialMergeSize = try config.int(["vision_config.spatial_merge_size"], default: 2)
        inChannels = try config.int(["vision_config.in_channels", "vision_config.in_chans"], default: 3)
        ropeTheta = try config.double(["vision_config.rope_parameters.rope_theta", "vision_config.rope_theta"], default: 10000)
        guard depth > 0, numHeads > 0, patchSize > 0, temporalPatchSize > 0, spatialMergeSize > 0, inChannels > 0 else {
            throw ModelConfigError.invalidValue(file: config.file, key: "vision_config", reason: "has a non-positive size")
        }
    }
}
