import VLMCompute

/// Grid of one image or video in patches: `t` temporal groups of `temporal_patch_size` frames,
/// `h × w` patches each. It becomes `t·h·w / merge²` LLM tokens.
public struct VisionGrid: Sendable, Equatable, Hashable {
    public var t: Int, h: Int, w: Int

    public init(t: Int, h: Int, w: Int) {
        self.t = t
        self.h = h
        self.w = w
    }

    public var patchCount: Int { t * h * w }

    /// Largest grid side accepted: far beyond any real image (16384 tokens of 28 px is < 2^12 patches a
    /// side), small enough that no product of sides overflows.
    static let maximumSide = 1 << 16

    /// Throws unless every side is in 1...maximumSide and h, w are multiples of `mergeSize`.
    func validate(mergeSize: Int) throws {
        guard [t, h, w].allSatisfy({ $0 > 0 && $0 <= Self.maximumSide }), h % mergeSize == 0, w % mergeSize == 0 else {
            throw ModelInputError.invalidVisionInput(
                "grid \(t)×\(h)×\(w) must have sides in 1...\(Self.maximumSide) with h and w multiples of \(mergeSize)")
        }
    }
}

/// An image or video as M-RoPE sees it, in prompt order.
public struct VisionPlacement: Sendable, Equatable {
    public var grid: VisionGrid
    public var isVideo: Bool
    /// Qwen2.5-VL videos: seconds per temporal grid step (`temporal_patch_size / fps`); 0 for images.
    public var secondPerGrid: Double

    public init(grid: VisionGrid, isVideo: Bool, secondPerGrid: Double = 0) {
        self.grid = grid
        self.isVideo = isVideo
        self.secondPerGrid = secondPerGrid
    }
}

/// Prompt positions for M-RoPE and the offset that continues them during decode.
public struct MRoPEPositions: Sendable, Equatable {
    /// `3 × S`, axis-major (t, h, w).
    public var positions: [Int32]
    /// Decode position of the token at cache index `c` is `c + ropeDelta` on all three axes.
    public var ropeDelta: Int

    public init(positions: [Int32], ropeDelta: Int) {
        self.positions = positions
        self.ropeDelta = ropeDelta
    }

    public var count: Int { positions.count / 3 }

    /// The three axes of prompt token `index`.
    public func position(at index: Int) -> (t: Int32, h: Int32, w: Int32) {
        (positions[index], positions[count + index], positions[2 * count + index])
    }
}

/// What a loaded checkpoint is, as the engine and the CLI need to know it.
public struct ModelProperties: Sendable, Equatable {
    public var modelType: String
    public var vocabularySize: Int
    public var hiddenSize: Int
    public var layerCount: Int
    public var kvHeadCount: Int
    public var headDim: Int
    public var maxPositionEmbeddings: Int
    public var imageTokenId: Int
    public var videoTokenId: Int
    public var visionStartTokenId: Int
    /// From generation_config.json when present, else config.json.
    public var eosTokenIds: [Int]
    /// Pixel rows per patch (`channels · temporal_patch_size · patch_size²`, 1176 for every Qwen2-VL).
    public var patchRowLength: Int
    /// Patches merged into one LLM token (`spatial_merge_size²`).
    public var patchesPerToken: Int
}

/// A loaded vision-language model: one forward step over a flattened batch on a paged KV cache, the
/// vision encoder per image/video, and the M-RoPE positions of a prompt. Per-request state (rope delta,
/// encoder outputs) is held by the caller, not by the model.
public protocol VisionLanguageModel: AnyObject {
    var properties: ModelProperties { get }
    var backend: Backend { get }

    func makeKVCache(blockCount: Int, blockSize: Int) throws -> KVCache
    /// patches `[grid.patchCount × patchRowLength]` row-major → embeddings `[patchCount / patchesPerToken, hidden]`.
    func encodeVision(patches: [Float], grid: VisionGrid) throws -> Tensor
    /// Positions of a prompt whose placeholders are already expanded, items in prompt order.
    func mropePositions(promptTokenIds: [Int], items: [VisionPlacement]) throws -> MRoPEPositions
    func forward(_ step: ForwardStep, cache: KVCache) throws -> Logits
}
