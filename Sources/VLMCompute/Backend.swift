/// Where a batch's attention reads its keys and values: the paged KV cache of one layer, addressed per
/// sequence through a block table. Every tensor here is i32 and lives on the backend.
public struct PagedAttentionBatch: Sendable {
    /// `[S + 1]`: sequence `s` owns query rows `queryStarts[s] ..< queryStarts[s+1]`.
    public var queryStarts: Tensor
    /// `[S]`: tokens already in the cache before this step; query row `i` of sequence `s` sits at position
    /// `contextLengths[s] + i` and attends (causally) to cache positions `0 ... contextLengths[s] + i`.
    public var contextLengths: Tensor
    /// `[S, maxBlocksPerSequence]`: cache position `p` of sequence `s` is slot
    /// `blockTables[s, p / blockSize] * blockSize + p % blockSize`.
    public var blockTables: Tensor
    public var blockSize: Int
    public var sequenceCount: Int
    /// Largest `contextLengths[s] + queryLength(s)`: lets a GPU backend size its launch.
    public var maxKeyLength: Int

    public init(queryStarts: Tensor, contextLengths: Tensor, blockTables: Tensor, blockSize: Int, sequenceCount: Int,
                maxKeyLength: Int)
    {
        self.queryStarts = queryStarts
        self.contextLengths = contextLengths
        self.blockTables = blockTables
        self.blockSize = blockSize
        self.sequenceCount = sequenceCount
        self.maxKeyLength = maxKeyLength
    }
}

/// The fixed list of operations the models are written against. Destination-passing: every operation
/// writes a tensor the caller allocated (shapes documented per method; a shape mismatch is a programming
/// error and traps). Float tensors are in the backend's `activationType` unless a weight parameter says
/// otherwise (weights may be bf16, f16 or f32). Index tensors are i32.
///
/// Operations do not throw: a GPU backend queues them and reports a failure at the next `download` or
/// `synchronize`. Memory operations throw.
public protocol Backend: AnyObject, Sendable {
    var name: String { get }
    /// The dtype of activations and of the KV cache.
    var activationType: DType { get }

    // MARK: Memory

    /// A zero-filled tensor.
    func allocate(_ shape: [Int], _ dtype: DType) throws -> Tensor
    /// Host floats into a new tensor of `dtype` (rounded to nearest even for bf16/f16).
    func upload(_ values: [Float], shape: [Int], dtype: DType) throws -> Tensor
    func upload(_ values: [Int32], shape: [Int]) throws -> Tensor
    /// A host tensor (e.g. a memory-mapped checkpoint tensor) made usable by this backend, same dtype.
    /// The CPU backend returns it as is when it is suitably aligned.
    func uploadWeight(_ hostTensor: Tensor) throws -> Tensor
    /// Any float tensor as host f32 values.
    func download(_ tensor: Tensor) throws -> [Float]
    /// Waits for queued work and reports an error it raised.
    func synchronize() throws

    // MARK: Data movement

    /// `dst[dstRow + i] = src[srcRows.lowerBound + i]`; rows of equal length, same dtype.
    func copyRows(_ src: Tensor, rows srcRows: Range<Int>, into dst: Tensor, at dstRow: Int)
    /// `out[i] = table[ids[i]]`, converting the table's dtype: ids `[N]`, table `[V, D]`, out `[N, D]`.
    func embedding(ids: Tensor, table: Tensor, into out: Tensor)
    /// `out[i] = src[indices[i]]` over first-dimension rows: indices `[N]`, out `[N, ...]`.
    func gatherRows(_ src: Tensor, indices: Tensor, into out: Tensor)

    // MARK: Dense math

    /// `out[M, N] = x[M, K] · weight[N, K]ᵀ (+ bias[N])`, fp32 accumulation; weight in torch Linear layout.
    /// `out` is in the activation dtype or f32 (the LM head writes f32 logits).
    func linear(_ x: Tensor, weight: Tensor, bias: Tensor?, into out: Tensor)
    /// `out = a + b`, same shape.
    func add(_ a: Tensor, _ b: Tensor, into out: Tensor)
    /// `out = silu(gate) * up`.
    func siluMul(gate: Tensor, up: Tensor, into out: Tensor)
    /// Exact (erf) GELU.
    func gelu(_ x: Tensor, into out: Tensor)
    /// `x * sigmoid(1.702 x)`.
    func quickGELU(_ x: Tensor, into out: Tensor)

    // MARK: Normalisation (statistics in fp32, per row of the last dimension)

    /// `out = weight * x / sqrt(mean(x²) + eps)`.
    func rmsNorm(_ x: Tensor, weight: Tensor, epsilon: Float, into out: Tensor)
    /// Fused residual step: `residual += x`, then `out = rmsNorm(residual)`.
    func addRMSNorm(_ x: Tensor, residual: Tensor, weight: Tensor, epsilon: Float, into out: Tensor)
    /// `out = (x - mean) / sqrt(var + eps) * weight + bias` (biased variance).
    func layerNorm(_ x: Tensor, weight: Tensor, bias: Tensor, epsilon: Float, into out: Tensor)

    // MARK: Rotary embeddings

    /// Angle tables for rotary embeddings with per-frequency position axes, covering 1-D RoPE (one axis),
    /// M-RoPE (three axes t/h/w chosen by `mrope_section`) and the vision 2-D RoPE (axes h/w):
    /// `cos[t, j] = cos(positions[axes[j], t] · inverseFrequencies[j])`, same for sin.
    /// positions i32 `[A, T]`, inverseFrequencies f32 `[F]`, axes i32 `[F]`, cos/sin f32 `[T, F]`.
    func rotaryTable(positions: Tensor, inverseFrequencies: Tensor, axes: Tensor, cos: Tensor, sin: Tensor)
    /// NeoX-style rotation of pairs `(j, j + F)` of each head: x `[T, H, 2F]`, cos/sin f32 `[T, F]`:
    /// `out[j] = x[j]·cos[j] − x[j+F]·sin[j]`, `out[j+F] = x[j+F]·cos[j] + x[j]·sin[j]`. `out` may be `x`.
    func applyRotary(_ x: Tensor, cos: Tensor, sin: Tensor, into out: Tensor)

    // MARK: Attention

    /// Bidirectional softmax attention inside segments (the vision tower's per-frame or per-window
    /// attention): q `[N, H, D]`, k/v `[N, Hkv, D]`, segments i32 `[S + 1]` row offsets, out `[N, H, D]`.
    /// Query head `h` uses key/value head `h / (H / Hkv)`.
    func segmentAttention(q: Tensor, k: Tensor, v: Tensor, segments: Tensor, scale: Float, into out: Tensor)
    /// Writes new keys/values into the paged cache: k/v `[T, Hkv, D]`, slots i32 `[T]` (a negative slot is
    /// skipped), caches `[blocks, blockSize, Hkv, D]`.
    func writeKV(key: Tensor, value: Tensor, slots: Tensor, keyCache: Tensor, valueCache: Tensor)
    /// Causal attention of a flattened batch over the paged cache (prefill chunks and decodes alike):
    /// q `[T, H, D]`, caches `[blocks, blockSize, Hkv, D]` already holding this step's keys, out `[T, H, D]`.
    func pagedAttention(q: Tensor, keyCache: Tensor, valueCache: Tensor, batch: PagedAttentionBatch, scale: Float,
                        into out: Tensor)
}
