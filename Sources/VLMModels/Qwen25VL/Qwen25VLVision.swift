import VLMCompute

/// The Qwen2.5-VL vision transformer: RMSNorm blocks with SwiGLU MLPs (with biases); most blocks attend
/// within windows of merged tokens, the `fullatt_block_indexes` blocks within whole frame groups.
/// Tokens are permuted into window order after the patch embedding and restored after the merger.
final class Qwen25VLVision: VisionTower {
    private struct Block {
        let attention: VisionAttentionHalf
        let norm2: VisionNorm
        let gate: LinearWeights, up: LinearWeights, down: LinearWeights
        let fullAttention: Bool
    }

    let stem: VisionStem
    private let blocks: [Block]
    let merger: PatchMerger
    private let windowEdge: Int
    private let backend: Backend

    init(checkpoint: Checkpoint, config: Qwen25VLVisionConfig, backend: Backend) throws {
        self.backend = backend
        windowEdge = config.windowTokens
        let stem = try VisionStem(checkpoint, config: config.base, backend: backend)
        let width = stem.width
        let hidden = try checkpoint.shape(of: "visual.blocks.0.mlp.gate_proj.weight").first ?? 0
        blocks = try (0 ..< config.base.depth).map { i in
            let p = "visual.blocks.\(i)."
            return Block(
                attention: try VisionAttentionHalf(checkpoint, block: i, stem: stem, layerNorm: false, backend: backend),
                norm2: try VisionNorm(checkpoint, p + "norm2.", width: width, withBias: false, backend: backend),
                gate: try LinearWeights(checkpoint, p + "mlp.gate_proj.", outputs: hidden, inputs: width, backend: backend),
                up: try LinearWeights(checkpoint, p + "mlp.up_proj.", outputs: hidden, inputs: width, backend: backend),
                down: try LinearWeights(checkpoint, p + "mlp.down_proj.", outputs: width, inputs: hidden, backend: backend),
                fullAttention: config.fullAttentionBlocks.contains(i))
        }
        merger = try PatchMerger(checkpoint, width: width, mergeSize: config.base.spatialMergeSize, layerNorm: false, backend: backend)
        self.stem = stem
    }


    func encode(_ patches: Tensor, grid: VisionGrid) throws -> Tensor {
        let f = backend.activationType
        let n = grid.patchCount, width = stem.width, unit = mergeSize * mergeSize
        let windows = VisionWindows(grid: grid, mergeSize: mergeSize, edge: windowEdge)
        let order = try backend.upload(windows.order, shape: [windows.order.count])

        // Patch embedding and rotary tables, both permuted into window order (groups of `unit` rows).
        let (embedded, rasterCos, rasterSin) = try stem.embed(patches, grid: grid, backend: backend)
        let x = try backend.allocate([n, width], f)
        backend.gatherRows(embedded.reshaped([n / unit, unit * width]), indices: order, into: x.reshaped([n / unit, unit * width]))
        let cos = try backend.allocate(rasterCos.shape, .f32), sin = try backend.allocate(rasterSin.shape, .f32)
        for (source, target) in [(rasterCos, cos), (rasterSin, sin)] {
            backend.gatherRows(source.reshaped([n / unit, unit * source.rowLength]), indices: order,
                               into: target.reshaped([n / unit, unit * target.rowLength]))
        }
        let frames = try backend.upload(frameSegments(grid), shape: [grid.t + 1])
        let windowSegments = try backend.upload(windows.boundaries, shape: [windows.boundaries.count])

        let normed = try backend.allocate([n, width], f), update = try backend.allocate([n, width], f)
        let hiddenWidth = blocks.first?.gate.outputs ?? 0
        let gate = try backend.allocate([n, hiddenWidth], f), up = try backend.allocate([n, hiddenWidth], f)
        for block in blocks {
            try block.attention.apply(x, normed: normed, update: update, cos: cos, sin: sin,
                                      segments: block.fullAttention ? frames : windowSegments, backend: backend)
            block.norm2.apply(x, into: normed, backend: backend)
            block.gate.apply(normed, into: gate, backend: backend)
            block.up.apply(normed, into: up, backend: backend)
            backend.siluMul(gate: gate, up: up, into: gate)
            block.down.apply(gate, into: update, backend: backend)
            backend.add(x, update, into: x)
        }
        let merged = try merger.apply(x, backend: backend)
        let restored = try backend.allocate(merged.shape, f)
        backend.gatherRows(merged, indices: try backend.upload(windows.inverse, shape: [merged.rowCount]), into: restored)
        return restored
    }
}
