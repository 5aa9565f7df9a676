import VLMCompute

/// Encodes one image or video into LLM-width embeddings.
protocol VisionTower {
    var patchRowLength: Int { get }
    var mergeSize: Int { get }
    var outputWidth: Int { get }
    /// patches `[grid.patchCount, patchRowLength]` → `[patchCount / mergeSize², outputWidth]`, raster order.
    func encode(_ patches: Tensor, grid: VisionGrid) throws -> Tensor
}

/// Segment offsets `[0, h·w, 2·h·w, …]`: each temporal group of an item attends only within itself.
func frameSegments(_ grid: VisionGrid) -> [Int32] {
    (0 ... grid.t).map { Int32($0 * grid.h * grid.w) }
}

/// The Qwen2-VL vision transformer: LayerNorm blocks with QuickGELU MLPs and full attention per frame group.
final class Qwen2VLVision: VisionTower {
    private struct Block {
        let norm1: VisionNorm, norm2: VisionNorm
        let attention: VisionAttention
        let fc1: LinearWeights, fc2: LinearWeights
    }

    private let patchEmbedding: PatchEmbedding
    private let rotary: VisionRotary
    private let blocks: [Block]
    private let merger: PatchMerger
    let mergeSize: Int
    private let backend: Backend

    init(checkpoint: Checkpoint, config: Qwen2VLVisionConfig, backend: Backend) throws {
        self.backend = backend
        mergeSize = config.spatialMergeSize
        patchEmbedding = try PatchEmbedding(checkpoint, config: config, backend: backend)
        let width = patchEmbedding.width
        guard width % config.numHeads == 0, (width / config.numHeads) % 4 == 0 else {
            throw CheckpointError.inconsistentShapes(reason: "vision width \(width) does not split into \(config.numHeads) heads of a multiple of 4")
        }
        rotary = try VisionRotary(headDim: width / config.numHeads, theta: config.ropeTheta, backend: backend)
        let hidden = try checkpoint.shape(of: "visual.blocks.0.mlp.fc1.weight").first ?? 0
        blocks = try (0 ..< config.depth).map { i in
            let p = "visual.blocks.\(i)."
            return Block(
                norm1: try VisionNorm(checkpoint, p + "norm1.", width: width, withBias: true, backend: backend),
                norm2: try VisionNorm(checkpoint, p + "norm2.", width: width, withBias: true, backend: backend),
                attention: try VisionAttention(checkpoint, p + "attn.", width: width, heads: config.numHeads, backend: backend),
                fc1: try LinearWeights(checkpoint, p + "mlp.fc1.", outputs: hidden, inputs: width, backend: backend),
                fc2: try LinearWeights(checkpoint, p + "mlp.fc2.", outputs: width, inputs: hidden, backend: backend))
        }
        merger = try PatchMerger(checkpoint, width: width, mergeSize: mergeSize, layerNorm: true, backend: backend)
    }

    var patchRowLength: Int { patchEmbedding.rowLength }
    var outputWidth: Int { merger.outputWidth }

    func encode(_ patches: Tensor, grid: VisionGrid) throws -> Tensor {
        let f = backend.activationType
        let n = grid.patchCount, width = patchEmbedding.width
        let x = try backend.allocate([n, width], f)
        patchEmbedding.projection.apply(patches, into: x, backend: backend)
        let (cos, sin) = try rotary.table(grid, mergeSize: mergeSize, backend: backend)
        let segments = try backend.upload(frameSegments(grid), shape: [grid.t + 1])
        let normed = try backend.allocate([n, width], f), update = try backend.allocate([n, width], f)
        let hidden = try backend.allocate([n, blocks.first?.fc1.outputs ?? 0], f)
        for block in blocks {
            block.norm1.apply(x, into: normed, backend: backend)
            try block.attention.apply(normed, cos: cos, sin: sin, segments: segments, into: update, backend: backend)
            backend.add(x, update, into: x)
            block.norm2.apply(x, into: normed, backend: backend)
            block.fc1.apply(normed, into: hidden, backend: backend)
            backend.quickGELU(hidden, into: hidden)
            block.fc2.apply(hidden, into: update, backend: backend)
            backend.add(x, update, into: x)
        }
        return try merger.apply(x, backend: backend)
    }
}
