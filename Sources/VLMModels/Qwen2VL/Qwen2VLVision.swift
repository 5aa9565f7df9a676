import VLMCompute

/// Encodes one image or video into LLM-width embeddings.
protocol VisionTower {
    var stem: VisionStem { get }
    var merger: PatchMerger { get }
    /// patches `[grid.patchCount, patchRowLength]` → `[patchCount / mergeSize², outputWidth]`, raster order.
    func encode(_ patches: Tensor, grid: VisionGrid) throws -> Tensor
}

extension VisionTower {
    var mergeSize: Int { stem.mergeSize }
    var patchRowLength: Int { stem.patchEmbedding.rowLength }
    var outputWidth: Int { merger.outputWidth }
}

/// Segment offsets `[0, h·w, 2·h·w, …]`: each temporal group of an item attends only within itself.
func frameSegments(_ grid: VisionGrid) -> [Int32] {
    (0 ... grid.t).map { Int32($0 * grid.h * grid.w) }
}

/// The Qwen2-VL vision transformer: LayerNorm blocks with QuickGELU MLPs and full attention per frame group.
final class Qwen2VLVision: VisionTower {
    private struct Block {
        let attention: VisionAttentionHalf
        let norm2: VisionNorm
        let fc1: LinearWeights, fc2: LinearWeights
    }

    let stem: VisionStem
    private let blocks: [Block]
    let merger: PatchMerger
    private let backend: Backend

    init(checkpoint: Checkpoint, config: Qwen2VLVisionConfig, backend: Backend) throws {
        self.backend = backend
        let stem = try VisionStem(checkpoint, config: config, backend: backend)
        let width = stem.width
        let hidden = try checkpoint.shape(of: "visual.blocks.0.mlp.fc1.weight").first ?? 0
        blocks = try (0 ..< config.depth).map { i in
            let p = "visual.blocks.\(i)."
            return Block(
                attention: try VisionAttentionHalf(checkpoint, block: i, stem: stem, layerNorm: true, backend: backend),
                norm2: try VisionNorm(checkpoint, p + "norm2.", width: width, withBias: true, backend: backend),
                fc1: try LinearWeights(checkpoint, p + "mlp.fc1.", outputs: hidden, inputs: width, backend: backend),
                fc2: try LinearWeights(checkpoint, p + "mlp.fc2.", outputs: width, inputs: hidden, backend: backend))
        }
        merger = try PatchMerger(checkpoint, width: width, mergeSize: config.spatialMergeSize, layerNorm: true, backend: backend)
        self.stem = stem
    }

    func encode(_ patches: Tensor, grid: VisionGrid) throws -> Tensor {
        let f = backend.activationType
        let n = grid.patchCount, width = stem.width
        let (x, cos, sin) = try stem.embed(patches, grid: grid, backend: backend)
        let segments = try backend.upload(frameSegments(grid), shape: [grid.t + 1])
        let normed = try backend.allocate([n, width], f), update = try backend.allocate([n, width], f)
        let hidden = try backend.allocate([n, blocks.first?.fc1.outputs ?? 0], f)
        for block in blocks {
            try block.attention.apply(x, normed: normed, update: update, cos: cos, sin: sin, segments: segments, backend: backend)
            block.norm2.apply(x, into: normed, backend: backend)
            block.fc1.apply(normed, into: hidden, backend: backend)
            backend.quickGELU(hidden, into: hidden)
            block.fc2.apply(hidden, into: update, backend: backend)
            backend.add(x, update, into: x)
        }
        return try merger.apply(x, backend: backend)
    }
}
