#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import VLMCompute

/// The Qwen2 language model (shared by Qwen2-VL and Qwen2.5-VL): pre-norm decoder layers with GQA
/// attention (q/k/v biases, M-RoPE), SwiGLU MLP, final RMSNorm and the LM head (tied or not).
/// Dimensions come from the checkpoint's shapes; the config supplies heads, eps, theta and sections.
final class Qwen2Decoder {
    private struct Layer {
        let inputNorm: Tensor, postAttentionNorm: Tensor
        let qWeight: Tensor, qBias: Tensor, kWeight: Tensor, kBias: Tensor, vWeight: Tensor, vBias: Tensor
        let oWeight: Tensor
        let gate: Tensor, up: Tensor, down: Tensor
    }

    let hiddenSize: Int, heads: Int, kvHeads: Int, headDim: Int, intermediateSize: Int, vocabularySize: Int
    let layerCount: Int
    private let epsilon: Float
    private let embedTokens: Tensor, finalNorm: Tensor, lmHead: Tensor
    private let layers: [Layer]
    /// M-RoPE: frequency `j` of each head uses axis `ropeAxes[j]` (0 t, 1 h, 2 w).
    private let inverseFrequencies: Tensor, ropeAxes: Tensor
    private let backend: Backend

    init(checkpoint: Checkpoint, config: Qwen2TextConfig, backend: Backend) throws {
        self.backend = backend
        let embedShape = try checkpoint.shape(of: "model.embed_tokens.weight")
        guard embedShape.count == 2 else {
            throw CheckpointError.inconsistentShapes(reason: "model.embed_tokens.weight has shape \(embedShape)")
        }
        let vocabulary = embedShape[0], hidden = embedShape[1], heads = config.numAttentionHeads
        let headDim = config.headDim ?? hidden / heads
        guard headDim > 0, headDim % 2 == 0, config.mropeSection.reduce(0, +) == headDim / 2 else {
            throw CheckpointError.inconsistentShapes(
                reason: "head_dim \(headDim) (hidden \(hidden) / \(heads) heads) does not match mrope_section \(config.mropeSection), which must sum to head_dim / 2")
        }
        let kvRows = try checkpoint.shape(of: "model.layers.0.self_attn.k_proj.weight").first ?? 0
        let kvHeads = kvRows / headDim
        guard kvHeads > 0, kvHeads * headDim == kvRows, heads % kvHeads == 0 else {
            throw CheckpointError.inconsistentShapes(reason: "k_proj has \(kvRows) rows: not a whole number of \(headDim)-wide heads dividing \(heads)")
        }
        let intermediate = try checkpoint.shape(of: "model.layers.0.mlp.gate_proj.weight").first ?? 0
        guard vocabulary > 0, hidden > 0, intermediate > 0 else {
            throw CheckpointError.inconsistentShapes(reason: "vocabulary \(vocabulary), hidden \(hidden) and intermediate \(intermediate) sizes must be positive")
        }
        (vocabularySize, hiddenSize, self.heads, self.headDim, self.kvHeads) = (vocabulary, hidden, heads, headDim, kvHeads)
        intermediateSize = intermediate
        layerCount = config.numHiddenLayers
        epsilon = Float(config.rmsNormEps)

        func weight(_ name: String, _ shape: [Int]) throws -> Tensor {
            try backend.uploadWeight(checkpoint.tensor(name, shape: shape))
        }
        let (h, q, kv, i) = (hidden, heads * headDim, kvHeads * headDim, intermediate)
        let embed = try weight("model.embed_tokens.weight", [vocabulary, h])
        embedTokens = embed
        finalNorm = try weight("model.norm.weight", [h])
        lmHead = config.tieWordEmbeddings ? embed : try weight("lm_head.weight", [vocabulary, h])
        layers = try (0 ..< config.numHiddenLayers).map { l in
            let p = "model.layers.\(l)."
            return Layer(
                inputNorm: try weight(p + "input_layernorm.weight", [h]),
                postAttentionNorm: try weight(p + "post_attention_layernorm.weight", [h]),
                qWeight: try weight(p + "self_attn.q_proj.weight", [q, h]), qBias: try weight(p + "self_attn.q_proj.bias", [q]),
                kWeight: try weight(p + "self_attn.k_proj.weight", [kv, h]), kBias: try weight(p + "self_attn.k_proj.bias", [kv]),
                vWeight: try weight(p + "self_attn.v_proj.weight", [kv, h]), vBias: try weight(p + "self_attn.v_proj.bias", [kv]),
                oWeight: try weight(p + "self_attn.o_proj.weight", [h, q]),
                gate: try weight(p + "mlp.gate_proj.weight", [i, h]), up: try weight(p + "mlp.up_proj.weight", [i, h]),
                down: try weight(p + "mlp.down_proj.weight", [h, i]))
        }
        // inv_freq[j] = 1 / theta^(2j / head_dim), in fp32 as transformers computes it.
        let half = headDim / 2
        let theta = Float(config.ropeTheta)
        inverseFrequencies = try backend.upload((0 ..< half).map { 1 / powf(theta, Float(2 * $0) / Float(headDim)) },
                                                shape: [half], dtype: .f32)
        var axes: [Int32] = []
        for (axis, count) in config.mropeSection.enumerated() { axes += Array(repeating: Int32(axis), count: count) }
        ropeAxes = try backend.upload(axes, shape: [half])
    }

    /// Text embeddings of the step's tokens, `[T, hidden]` (ids already range-checked).
    func embed(_ tokenIds: [Int32]) throws -> Tensor {
        let ids = try backend.upload(tokenIds, shape: [tokenIds.count])
        let hidden = try backend.allocate([tokenIds.count, hiddenSize], backend.activationType)
        backend.embedding(ids: ids, table: embedTokens, into: hidden)
        return hidden
    }

    /// Runs every layer over `hidden` (`[T, hidden]`, updated in place as the residual stream) and returns
    /// the logits of `step.logitRows`.
    func run(hidden: Tensor, step: ForwardStep, cache: KVCache) throws -> Logits {
        let tokens = step.tokenIds.count
        let f = backend.activationType
        let positions = try backend.upload(step.positions, shape: [3, tokens])
        let cos = try backend.allocate([tokens, headDim / 2], .f32), sin = try backend.allocate([tokens, headDim / 2], .f32)
        backend.rotaryTable(positions: positions, inverseFrequencies: inverseFrequencies, axes: ropeAxes, cos: cos, sin: sin)
        let batch = try attentionBatch(step, blockSize: cache.blockSize)
        let slots = try backend.upload(step.slotMapping, shape: [tokens])

        let normed = try backend.allocate([tokens, hiddenSize], f)
        let q = try backend.allocate([tokens, heads, headDim], f)
        let k = try backend.allocate([tokens, kvHeads, headDim], f), v = try backend.allocate([tokens, kvHeads, headDim], f)
        let attention = try backend.allocate([tokens, heads, headDim], f)
        let projected = try backend.allocate([tokens, hiddenSize], f)
        let gate = try backend.allocate([tokens, intermediateSize], f), up = try backend.allocate([tokens, intermediateSize], f)
        let scale = 1 / Float(headDim).squareRoot()

        backend.rmsNorm(hidden, weight: layers[0].inputNorm, epsilon: epsilon, into: normed)
        for (index, layer) in layers.enumerated() {
            backend.linear(normed, weight: layer.qWeight, bias: layer.qBias, into: q)
            backend.linear(normed, weight: layer.kWeight, bias: layer.kBias, into: k)
            backend.linear(normed, weight: layer.vWeight, bias: layer.vBias, into: v)
            backend.applyRotary(q, cos: cos, sin: sin, into: q)
            backend.applyRotary(k, cos: cos, sin: sin, into: k)
            backend.writeKV(key: k, value: v, slots: slots, keyCache: cache.keys[index], valueCache: cache.values[index])
            backend.pagedAttention(q: q, keyCache: cache.keys[index], valueCache: cache.values[index], batch: batch,
                                   scale: scale, into: attention)
            backend.linear(attention, weight: layer.oWeight, bias: nil, into: projected)
            backend.addRMSNorm(projected, residual: hidden, weight: layer.postAttentionNorm, epsilon: epsilon, into: normed)
            backend.linear(normed, weight: layer.gate, bias: nil, into: gate)
            backend.linear(normed, weight: layer.up, bias: nil, into: up)
            backend.siluMul(gate: gate, up: up, into: gate)
            backend.linear(gate, weight: layer.down, bias: nil, into: projected)
            // The next layer's input norm (or the final norm) fused with the MLP residual add.
            let nextNorm = index + 1 < layers.count ? layers[index + 1].inputNorm : finalNorm
            backend.addRMSNorm(projected, residual: hidden, weight: nextNorm, epsilon: epsilon, into: normed)
        }
        return try logits(of: normed, rows: step.logitRows)
    }

    /// The LM head over the requested rows, a few rows at a time: with hundreds of sampling sequences
    /// the logits are large (152k floats a row), so only one chunk exists beside the returned array.
    private func logits(of normed: Tensor, rows: [Int]) throws -> Logits {
        let chunkRows = max(1, (1 << 22) / vocabularySize)
        var values: [Float] = []
        values.reserveCapacity(rows.count * vocabularySize)
        for start in stride(from: 0, to: rows.count, by: chunkRows) {
            let part = rows[start ..< min(rows.count, start + chunkRows)]
            let indices = try backend.upload(part.map { Int32($0) }, shape: [part.count])
            let selected = try backend.allocate([part.count, hiddenSize], backend.activationType)
            backend.gatherRows(normed, indices: indices, into: selected)
            let chunk = try backend.allocate([part.count, vocabularySize], .f32)
            backend.linear(selected, weight: lmHead, bias: nil, into: chunk)
            values += try backend.download(chunk)
        }
        return Logits(rowCount: rows.count, vocabularySize: vocabularySize, values: values)
    }

    private func attentionBatch(_ step: ForwardStep, blockSize: Int) throws -> PagedAttentionBatch {
        let sequences = step.sequences
        let width = max(1, sequences.map(\.blockTable.count).max() ?? 1)
        var starts: [Int32] = [], contexts: [Int32] = [], tables: [Int32] = []
        for sequence in sequences {
            starts.append(Int32(sequence.queryStart))
            contexts.append(Int32(sequence.contextLength))
            tables += sequence.blockTable + Array(repeating: 0, count: width - sequence.blockTable.count)
        }
        starts.append(Int32(step.tokenIds.count))
        return PagedAttentionBatch(
            queryStarts: try backend.upload(starts, shape: [starts.count]),
            contextLengths: try backend.upload(contexts, shape: [contexts.count]),
            blockTables: try backend.upload(tables, shape: [sequences.count, width]),
            blockSize: blockSize, sequenceCount: sequences.count,
            maxKeyLength: sequences.map { $0.contextLength + $0.queryLength }.max() ?? 0)
    }
}
