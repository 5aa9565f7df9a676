import VLMCompute

/// `vlm selftest`: every `Backend` operation of a device backend against `CPUBackend` on fresh random
/// inputs, at a model's real shapes and at small odd ones.
public enum BackendCheck {
    /// Every operation at `shapes`, then the dtype combinations the models rarely use (f32 / f16 weights).
    public static func operations(device: Backend, shapes s: CheckShapes, seed: UInt64) -> [CheckResult] {
        let c = CheckContext(device: device, seed: seed)
        // Text model.
        c.group("embedding + lm_head", "\(s.vocabulary)×\(s.hidden) table") {
            let table = try c.weight([s.vocabulary, s.hidden], scale: 1 / Float(s.hidden).squareRoot())
            c.checkEmbedding(rows: s.tokens, table: table)
            c.checkLinear("lm_head", rows: 7, inputs: s.hidden, outputs: s.vocabulary, bias: false, f32Output: true, weight: table)
        }
        c.checkLinear("q_proj", rows: s.tokens, inputs: s.hidden, outputs: s.heads * s.headDim, bias: true)
        c.checkLinear("k_proj", rows: s.tokens, inputs: s.hidden, outputs: s.kvHeads * s.headDim, bias: true)
        c.checkLinear("gate_proj", rows: s.tokens, inputs: s.hidden, outputs: s.intermediate, bias: false)
        c.checkLinear("down_proj", rows: s.tokens, inputs: s.intermediate, outputs: s.hidden, bias: false)
        c.checkLinear("o_proj decode", rows: 1, inputs: s.heads * s.headDim, outputs: s.hidden, bias: false)
        c.checkNorms(rows: s.tokens, width: s.hidden)
        c.checkElementwise(rows: s.tokens, width: s.intermediate)
        let mropeAxes = s.mropeSection.enumerated().flatMap { axis, count in [Int32](repeating: Int32(axis), count: count) }
        c.checkRotary("M-RoPE q", tokens: s.tokens, heads: s.heads, axes: mropeAxes, axisCount: 3, theta: s.ropeTheta, maxPosition: 32768)
        c.checkRotary("M-RoPE k", tokens: s.tokens, heads: s.kvHeads, axes: mropeAxes, axisCount: 3, theta: s.ropeTheta, maxPosition: 32768)
        c.checkWriteKV(rows: s.tokens, kvHeads: s.kvHeads, dim: s.headDim, blockSize: s.blockSize)
        pagedAttentionChecks(c, s, label: "")

        // Vision tower.
        c.checkLinear("patch_embed", rows: s.patches, inputs: s.patchRow, outputs: s.visionWidth, bias: false)
        c.checkLinear("vision qkv", rows: s.patches, inputs: s.visionWidth, outputs: 3 * s.visionWidth, bias: true)
        c.checkLinear("vision fc1", rows: s.patches, inputs: s.visionWidth, outputs: s.visionMLP, bias: true)
        c.checkLinear("merger fc2", rows: s.patches / 4, inputs: 4 * s.visionWidth, outputs: s.hidden, bias: true)
        c.checkNorms(rows: s.patches, width: s.visionWidth)
        c.checkElementwise(rows: s.patches, width: s.visionMLP)
        let quarter = s.visionHeadDim / 4
        c.checkRotary("vision 2-D", tokens: s.patches, heads: s.visionHeads, axes: [Int32](repeating: 0, count: quarter) + [Int32](repeating: 1, count: quarter),
                      axisCount: 2, theta: 10000, maxPosition: 128)
        c.checkSegmentAttention("one image", segments: [0, s.patches], heads: s.visionHeads, kvHeads: s.visionHeads, dim: s.visionHeadDim)
        c.checkSegmentAttention("two frames", segments: [0, s.patches / 2, s.patches], heads: s.visionHeads, kvHeads: s.visionHeads,
                                dim: s.visionHeadDim)
        c.checkSegmentAttention("windows", segments: Array(stride(from: 0, to: s.patches, by: s.windowRows)) + [s.patches],
                                heads: s.visionHeads, kvHeads: s.visionHeads, dim: s.visionHeadDim)
        c.checkRowMovement(rows: s.patches, width: s.visionWidth)

        // Odd cases: GQA and empty segments in vision-style attention, other weight dtypes.
        c.checkSegmentAttention("GQA, empty segment", segments: [0, 7, 7, 40, 45], heads: 6, kvHeads: 2, dim: 24)
        c.checkLinear("f32 weight", rows: 3, inputs: 5, outputs: 7, bias: true, weightType: .f32)
        c.checkLinear("f16 weight", rows: 5, inputs: 9, outputs: 3, bias: true, weightType: .f16)
        c.checkNorms(rows: 3, width: 37, weightType: .f16)
        c.checkNorms(rows: 2, width: 45, weightType: .f32)
        c.group("embedding", "f32 table") {
            c.checkEmbedding(rows: 5, table: try c.weight([11, 24], dtype: .f32))
        }
        return c.results
    }

    /// Paged attention alone at `shapes` (run again on a backend configured to split every key range).
    public static func pagedAttention(device: Backend, shapes: CheckShapes, seed: UInt64, label: String) -> [CheckResult] {
        let c = CheckContext(device: device, seed: seed)
        pagedAttentionChecks(c, shapes, label: label)
        return c.results
    }

    private static func pagedAttentionChecks(_ c: CheckContext, _ s: CheckShapes, label: String) {
        for (name, batch) in [("prefill", s.prefill), ("prefill chunks + decodes", s.mixed), ("decode batch", s.decode), ("long decode", s.longDecode)] {
            c.checkPagedAttention(name + label, sequences: batch, heads: s.heads, kvHeads: s.kvHeads, dim: s.headDim, blockSize: s.blockSize)
        }
        c.checkPagedAttention("no GQA" + label, sequences: s.mixed, heads: s.visionHeads, kvHeads: s.visionHeads, dim: s.visionHeadDim,
                              blockSize: s.blockSize)
    }

    /// A device backend reports invalid indices at the next `synchronize` (the CPU backend traps on them
    /// instead, so there is no reference run) and works normally afterwards.
    public static func invalidInputs(device: Backend) -> [CheckResult] {
        let c = CheckContext(device: device, seed: 1)
        func expectRejected(_ operation: String, _ body: () throws -> Void) {
            c.group(operation, "invalid index") {
                try body()
                do {
                    try device.synchronize()
                    c.record(operation, "invalid index", device.activationType, nil, nil, false, "accepted without an error")
                } catch {
                    try device.synchronize()  // reported once; the backend stays usable
                    c.record(operation, "invalid index", device.activationType, nil, nil, true, "\(error)")
                }
            }
        }
        expectRejected("embedding") {
            let table = try c.weight([4, 8])
            device.embedding(ids: try device.upload([1, 4], shape: [2]), table: table.device, into: try device.allocate([2, 8], device.activationType))
        }
        expectRejected("gatherRows") {
            let source = try c.activation([3, 8])
            device.gatherRows(source.device, indices: try device.upload([0, -1], shape: [2]), into: try device.allocate([2, 8], device.activationType))
        }
        expectRejected("writeKV") {
            let rows = try c.activation([1, 1, 16])
            let cache = try device.allocate([2, 4, 1, 16], device.activationType)
            device.writeKV(key: rows.device, value: rows.device, slots: try device.upload([8], shape: [1]), keyCache: cache, valueCache: cache)
        }
        expectRejected("pagedAttention") {
            let q = try c.activation([1, 1, 16]), cache = try device.allocate([2, 4, 1, 16], device.activationType)
            let batch = PagedAttentionBatch(queryStarts: try device.upload([0, 1], shape: [2]), contextLengths: try device.upload([3], shape: [1]),
                                            blockTables: try device.upload([5], shape: [1, 1]), blockSize: 4, sequenceCount: 1, maxKeyLength: 4)
            device.pagedAttention(q: q.device, keyCache: cache, valueCache: cache, batch: batch, scale: 1,
                                  into: try device.allocate([1, 1, 16], device.activationType))
        }
        expectRejected("segmentAttention") {
            let x = try c.activation([4, 1, 16])
            device.segmentAttention(q: x.device, k: x.device, v: x.device, segments: try device.upload([0, 5, 4], shape: [3]), scale: 1,
                                    into: try device.allocate([4, 1, 16], device.activationType))
        }
        return c.results
    }

    /// Captures norm → linear → SiLU·mul once and replays it on two inputs written into the captured input
    /// tensor; both replays must match the CPU. `capture(body)` returns the replay (CUDA graphs on a GPU).
    public static func replay(device: Backend, rows: Int, width: Int, seed: UInt64,
                              capture: (() throws -> Void) throws -> (() throws -> Void)) -> [CheckResult]
    {
        let c = CheckContext(device: device, seed: seed)
        let shape = "\(rows)×\(width) → \(2 * width)"
        c.group("graph replay", shape) {
            let input = try device.allocate([rows, width], device.activationType)
            let norm = try c.weight([width]), weight = try c.weight([2 * width, width], scale: 1 / Float(width).squareRoot())
            let normed = try device.allocate([rows, width], device.activationType)
            let gate = try device.allocate([rows, 2 * width], device.activationType)
            let replay = try capture {
                device.rmsNorm(input, weight: norm.device, epsilon: 1e-6, into: normed)
                device.linear(normed, weight: weight.device, bias: nil, into: gate)
                device.siluMul(gate: gate, up: gate, into: gate)
            }
            for run in 1 ... 2 {
                let x = try c.activation([rows, width])
                device.copyRows(x.device, rows: 0 ..< rows, into: input, at: 0)
                try replay()
                let expectedNormed = try c.reference.allocate([rows, width], .f32), expected = try c.reference.allocate([rows, 2 * width], .f32)
                c.reference.rmsNorm(x.reference, weight: norm.reference, epsilon: 1e-6, into: expectedNormed)
                c.reference.linear(expectedNormed, weight: weight.reference, bias: nil, into: expected)
                c.reference.siluMul(gate: expected, up: expected, into: expected)
                c.compare("graph replay \(run)", shape, TensorPair(reference: expected, device: gate))
            }
        }
        return c.results
    }
}
