#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import VLMCompute

/// Pieces of the Qwen2-VL vision tower that Qwen2.5-VL reuses: patch embedding, 2-D rotary tables,
/// block attention, block norms and the patch merger. All vision norms use eps 1e-6 (hard-coded in
/// transformers, not in the config).
let visionNormEpsilon: Float = 1e-6

/// LayerNorm with bias (Qwen2-VL) or RMSNorm (Qwen2.5-VL).
enum VisionNorm {
    case layer(weight: Tensor, bias: Tensor)
    case rms(weight: Tensor)

    init(_ checkpoint: Checkpoint, _ prefix: String, width: Int, withBias: Bool, backend: Backend) throws {
        let weight = try backend.uploadWeight(checkpoint.tensor(prefix + "weight", shape: [width]))
        self = withBias ? .layer(weight: weight, bias: try backend.uploadWeight(checkpoint.tensor(prefix + "bias", shape: [width])))
            : .rms(weight: weight)
    }

    func apply(_ x: Tensor, into out: Tensor, backend: Backend) {
        switch self {
        case let .layer(weight, bias): backend.layerNorm(x, weight: weight, bias: bias, epsilon: visionNormEpsilon, into: out)
        case let .rms(weight): backend.rmsNorm(x, weight: weight, epsilon: visionNormEpsilon, into: out)
        }
    }
}

/// A linear layer's weight and optional bias, uploaded.
struct LinearWeights {
    let weight: Tensor
    let bias: Tensor?

    init(_ checkpoint: Checkpoint, _ prefix: String, outputs: Int, inputs: Int, bias hasBias: Bool = true, backend: Backend) throws {
        weight = try backend.uploadWeight(checkpoint.tensor(prefix + "weight", shape: [outputs, inputs]))
        bias = hasBias ? try backend.uploadWeight(checkpoint.tensor(prefix + "bias", shape: [outputs])) : nil
    }

    init(weight: Tensor, bias: Tensor?) {
        self.weight = weight
        self.bias = bias
    }

    var outputs: Int { weight.rowCount }

    func apply(_ x: Tensor, into out: Tensor, backend: Backend) {
        backend.linear(x, weight: weight, bias: bias, into: out)
    }
}

/// Conv3d with kernel = stride is a matmul: the `[D, C, tp, p, p]` kernel viewed as `[D, C·tp·p·p]`
/// multiplies pixel rows laid out in the same (c, t, y, x) order. No bias.
struct PatchEmbedding {
    let projection: LinearWeights

    init(_ checkpoint: Checkpoint, config: Qwen2VLVisionConfig, backend: Backend) throws {
        let name = "visual.patch_embed.proj.weight"
        let kernel = try checkpoint.tensor(name)
        let rowLength = config.inChannels * config.temporalPatchSize * config.patchSize * config.patchSize
        let expected = [kernel.shape.first ?? 0, config.inChannels, config.temporalPatchSize, config.patchSize, config.patchSize]
        guard kernel.shape == expected, expected[0] > 0 else {
            throw CheckpointError.wrongShape(tensor: name, expected: expected, found: kernel.shape)
        }
        projection = LinearWeights(weight: try backend.uploadWeight(kernel.reshaped([expected[0], rowLength])), bias: nil)
    }

    var width: Int { projection.outputs }
    var rowLength: Int { projection.weight.rowLength }
}

/// The vision 2-D RoPE: per patch a row angle and a column angle, no temporal component.
struct VisionRotary {
    let inverseFrequencies: Tensor, axes: Tensor

    /// head_dim/4 frequencies `1/theta^(2i/(head_dim/2))`, used once for the row and once for the column.
    init(headDim: Int, theta: Double, backend: Backend) throws {
        let quarter = headDim / 4
        let frequencies = (0 ..< quarter).map { 1 / powf(Float(theta), Float(2 * $0) / Float(headDim / 2)) }
        inverseFrequencies = try backend.upload(frequencies + frequencies, shape: [2 * quarter], dtype: .f32)
        axes = try backend.upload(Array(repeating: 0, count: quarter) + Array(repeating: 1, count: quarter), shape: [2 * quarter])
    }

    /// Row and column of every patch in the pixel-row order (frame, merge-block raster, position in the
    /// block), axis-major `[2, N]`; each frame repeats the same ids.
    static func patchPositions(_ grid: VisionGrid, mergeSize: Int) -> [Int32] {
        var rows: [Int32] = [], columns: [Int32] = []
        for _ in 0 ..< grid.t {
            for blockRow in 0 ..< grid.h / mergeSize {
                for blockColumn in 0 ..< grid.w / mergeSize {
                    for innerRow in 0 ..< mergeSize {
                        for innerColumn in 0 ..< mergeSize {
                            rows.append(Int32(blockRow * mergeSize + innerRow))
                            columns.append(Int32(blockColumn * mergeSize + innerColumn))
                        }
                    }
                }
            }
        }
        return rows + columns
    }

    /// cos/sin tables `[N, head_dim/2]` for a grid.
    func table(_ grid: VisionGrid, mergeSize: Int, backend: Backend) throws -> (cos: Tensor, sin: Tensor) {
        let n = grid.patchCount, half = inverseFrequencies.elementCount
        let positions = try backend.upload(Self.patchPositions(grid, mergeSize: mergeSize), shape: [2, n])
        let cos = try backend.allocate([n, half], .f32), sin = try backend.allocate([n, half], .f32)
        backend.rotaryTable(positions: positions, inverseFrequencies: inverseFrequencies, axes: axes, cos: cos, sin: sin)
        return (cos, sin)
    }
}

/// Block self-attention: fused qkv (rows: all q heads, then k, then v), RoPE, softmax within segments,
/// output projection.
struct VisionAttention {
    let q: LinearWeights, k: LinearWeights, v: LinearWeights, projection: LinearWeights
    let heads: Int, headDim: Int

    init(_ checkpoint: Checkpoint, _ prefix: String, width: Int, heads: Int, backend: Backend) throws {
        let qkvWeight = try checkpoint.tensor(prefix + "qkv.weight", shape: [3 * width, width])
        let qkvBias = try checkpoint.tensor(prefix + "qkv.bias", shape: [3 * width])
        func part(_ i: Int) throws -> LinearWeights {
            LinearWeights(weight: try backend.uploadWeight(qkvWeight.rows(i * width ..< (i + 1) * width)),
                          bias: try backend.uploadWeight(qkvBias.rows(i * width ..< (i + 1) * width)))
        }
        q = try part(0)
        k = try part(1)
        v = try part(2)
        projection = try LinearWeights(checkpoint, prefix + "proj.", outputs: width, inputs: width, backend: backend)
        self.heads = heads
        headDim = width / heads
    }

    /// x `[N, D]` (normed) → out `[N, D]`.
    func apply(_ x: Tensor, cos: Tensor, sin: Tensor, segments: Tensor, into out: Tensor, backend: Backend) throws {
        let n = x.rowCount
        let f = backend.activationType
        let qs = try backend.allocate([n, heads, headDim], f), ks = try backend.allocate([n, heads, headDim], f)
        let vs = try backend.allocate([n, heads, headDim], f), attended = try backend.allocate([n, heads, headDim], f)
        q.apply(x, into: qs, backend: backend)
        k.apply(x, into: ks, backend: backend)
        v.apply(x, into: vs, backend: backend)
        backend.applyRotary(qs, cos: cos, sin: sin, into: qs)
        backend.applyRotary(ks, cos: cos, sin: sin, into: ks)
        backend.segmentAttention(q: qs, k: ks, v: vs, segments: segments, scale: 1 / Float(headDim).squareRoot(), into: attended)
        projection.apply(attended.reshaped([n, heads * headDim]), into: out, backend: backend)
    }
}

/// What both towers share around their blocks: the patch embedding (which sets the width) and the 2-D
/// rotary tables.
struct VisionStem {
    let patchEmbedding: PatchEmbedding
    let rotary: VisionRotary
    let heads: Int
    let mergeSize: Int

    init(_ checkpoint: Checkpoint, config: Qwen2VLVisionConfig, backend: Backend) throws {
        patchEmbedding = try PatchEmbedding(checkpoint, config: config, backend: backend)
        let width = patchEmbedding.width
        guard width % config.numHeads == 0, (width / config.numHeads) % 4 == 0 else {
            throw CheckpointError.inconsistentShapes(reason: "vision width \(width) does not split into \(config.numHeads) heads of a multiple of 4")
        }
        rotary = try VisionRotary(headDim: width / config.numHeads, theta: config.ropeTheta, backend: backend)
        heads = config.numHeads
        mergeSize = config.spatialMergeSize
    }

    var width: Int { patchEmbedding.width }

    /// Embedded patches `[N, width]` and the raster-order cos/sin tables `[N, head_dim/2]`.
    func embed(_ patches: Tensor, grid: VisionGrid, backend: Backend) throws -> (x: Tensor, cos: Tensor, sin: Tensor) {
        let x = try backend.allocate([grid.patchCount, width], backend.activationType)
        patchEmbedding.projection.apply(patches, into: x, backend: backend)
        let (cos, sin) = try rotary.table(grid, mergeSize: mergeSize, backend: backend)
        return (x, cos, sin)
    }
}

/// The attention half of a vision block: `x += attention(norm1(x))`.
struct VisionAttentionHalf {
    let norm: VisionNorm
    let attention: VisionAttention

    init(_ checkpoint: Checkpoint, block: Int, stem: VisionStem, layerNorm: Bool, backend: Backend) throws {
        let prefix = "visual.blocks.\(block)."
        norm = try VisionNorm(checkpoint, prefix + "norm1.", width: stem.width, withBias: layerNorm, backend: backend)
        attention = try VisionAttention(checkpoint, prefix + "attn.", width: stem.width, heads: stem.heads, backend: backend)
    }

    /// `normed` and `update` are `[N, width]` scratch tensors.
    func apply(_ x: Tensor, normed: Tensor, update: Tensor, cos: Tensor, sin: Tensor, segments: Tensor, backend: Backend) throws {
        norm.apply(x, into: normed, backend: backend)
        try attention.apply(normed, cos: cos, sin: sin, segments: segments, into: update, backend: backend)
        backend.add(x, update, into: x)
    }
}

/// PatchMerger: norm each patch, concatenate each 2×2 block's four patches, Linear → GELU(erf) → Linear.
struct PatchMerger {
    let norm: VisionNorm
    let first: LinearWeights, second: LinearWeights
    let mergeUnit: Int

    init(_ checkpoint: Checkpoint, width: Int, mergeSize: Int, layerNorm: Bool, backend: Backend) throws {
        mergeUnit = mergeSize * mergeSize
        norm = try VisionNorm(checkpoint, "visual.merger.ln_q.", width: width, withBias: layerNorm, backend: backend)
        let merged = width * mergeUnit
        first = try LinearWeights(checkpoint, "visual.merger.mlp.0.", outputs: merged, inputs: merged, backend: backend)
        let outputs = try checkpoint.shape(of: "visual.merger.mlp.2.weight").first ?? 0
        second = try LinearWeights(checkpoint, "visual.merger.mlp.2.", outputs: outputs, inputs: merged, backend: backend)
    }

    var outputWidth: Int { second.outputs }

    /// x `[N, D]` → `[N / mergeUnit, outputWidth]`.
    func apply(_ x: Tensor, backend: Backend) throws -> Tensor {
        let f = backend.activationType
        let normed = try backend.allocate(x.shape, f)
        norm.apply(x, into: normed, backend: backend)
        let blocks = normed.reshaped([x.rowCount / mergeUnit, x.rowLength * mergeUnit])
        let hidden = try backend.allocate(blocks.shape, f)
        first.apply(blocks, into: hidden, backend: backend)
        backend.gelu(hidden, into: hidden)
        let out = try backend.allocate([blocks.rowCount, outputWidth], f)
        second.apply(hidden, into: out, backend: backend)
        return out
    }
}
