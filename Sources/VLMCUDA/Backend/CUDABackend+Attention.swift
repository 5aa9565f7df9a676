import VLMCompute

/// Attention launches: vision segments, the paged-KV write, and paged attention with an optional split of
/// long key ranges (flash-decoding) merged by `attention_combine`.
extension CUDABackend {
    /// (query row, head) pairs per block and threads per block of the attention kernels (attention.cu).
    static let attentionPairs = 32
    static let attentionThreads = 128

    public func segmentAttention(q: Tensor, k: Tensor, v: Tensor, segments: Tensor, scale: Float, into out: Tensor) {
        own(q, k, v, segments, out, operation: "segmentAttention")
        let heads = HeadShape(q: q, keys: k, out: out, operation: "segmentAttention")
        precondition(k.rowCount == heads.rows && v.shape == k.shape && v.dtype == q.dtype && k.dtype == q.dtype && segments.dtype == .i32
            && segments.elementCount >= 2, "segmentAttention: q \(q.shape), k \(k.shape), v \(v.shape), segments \(segments.shape)")
        launch("segment_attention<\(activation(q).kernelTypeName), \(heads.dim)>",
               grid: ((heads.rows * heads.group + Self.attentionPairs - 1) / Self.attentionPairs, heads.kvHeads, 1), block: Self.attentionThreads,
               [.tensor(q), .tensor(k), .tensor(v), .tensor(segments), .int32(segments.elementCount - 1), .tensor(out), .int32(heads.rows),
                .int32(heads.heads), .int32(heads.kvHeads), .float(scale), status])
    }

    public func writeKV(key: Tensor, value: Tensor, slots: Tensor, keyCache: Tensor, valueCache: Tensor) {
        own(key, value, slots, keyCache, valueCache, operation: "writeKV")
        let width = key.rowLength
        precondition(value.shape == key.shape && slots.elementCount == key.rowCount && slots.dtype == .i32 && keyCache.shape == valueCache.shape
            && width > 0 && keyCache.elementCount % width == 0 && [value.dtype, keyCache.dtype, valueCache.dtype].allSatisfy { $0 == key.dtype },
            "writeKV: \(key.shape) \(key.dtype) into \(keyCache.shape) \(keyCache.dtype)")
        launch("write_kv<\(activation(key).kernelTypeName)>", grid: (key.rowCount, 1, 1), block: Self.blockThreads,
               [.tensor(key), .tensor(value), .tensor(slots), .tensor(keyCache), .tensor(valueCache), .int32(width),
                .int64(keyCache.elementCount / width), status])
    }

    public func pagedAttention(q: Tensor, keyCache: Tensor, valueCache: Tensor, batch: PagedAttentionBatch, scale: Float, into out: Tensor) {
        own(q, keyCache, valueCache, batch.queryStarts, batch.contextLengths, batch.blockTables, out, operation: "pagedAttention")
        let heads = HeadShape(q: q, keys: keyCache, out: out, operation: "pagedAttention")
        precondition(keyCache.shape.count == 4 && keyCache.shape[1] == batch.blockSize && valueCache.shape == keyCache.shape
            && keyCache.dtype == q.dtype && valueCache.dtype == q.dtype && batch.queryStarts.elementCount == batch.sequenceCount + 1
            && batch.contextLengths.elementCount == batch.sequenceCount && batch.blockTables.rowCount == batch.sequenceCount,
            "pagedAttention: q \(q.shape), cache \(keyCache.shape), \(batch.sequenceCount) sequences")
        guard heads.rows > 0, batch.sequenceCount > 0 else { return }
        let tiles = (heads.rows * heads.group + Self.attentionPairs - 1) / Self.attentionPairs + batch.sequenceCount
        let splitKeys = pagedSplitKeys(maxKeys: batch.maxKeyLength, blocks: tiles * heads.kvHeads)
        let splits = splitKeys > 0 ? (batch.maxKeyLength + splitKeys - 1) / splitKeys : 1
        var partial: (address: UInt64, size: Int)?
        if splitKeys > 0 {
            do {
                partial = try pool.allocate(splits * heads.rows * heads.heads * (heads.dim + 2) * 4)
            } catch {
                record(error)
                return
            }
        }
        defer { if let partial { pool.release(partial.address, size: partial.size) } }  // stream order keeps it valid for the kernels
        let type = activation(q).kernelTypeName
        launch("paged_attention<\(type), \(heads.dim)>", grid: (tiles, heads.kvHeads, splits), block: Self.attentionThreads,
               [.tensor(q), .tensor(keyCache), .tensor(valueCache), .tensor(batch.queryStarts), .tensor(batch.contextLengths),
                .tensor(batch.blockTables), .int32(batch.sequenceCount), .int32(batch.blockTables.rowLength), .int32(batch.blockSize),
                .int32(keyCache.shape[0]), .int32(batch.maxKeyLength), .tensor(out), .address(partial?.address ?? 0), .int32(splitKeys),
                .int32(heads.rows), .int32(heads.heads), .int32(heads.kvHeads), .float(scale), status])
        if let partial {
            launch("attention_combine<\(type), \(heads.dim)>", grid: (heads.rows, heads.heads, 1), block: Self.attentionThreads,
                   [.address(partial.address), .tensor(batch.queryStarts), .tensor(batch.contextLengths), .int32(batch.sequenceCount),
                    .int32(splitKeys), .int32(splits), .tensor(out), .int32(heads.rows), .int32(heads.heads)])
        }
    }

    /// Keys per split (0: none). Automatic: split only long key ranges whose launch would leave most of
    /// the GPU idle (decode batches), into enough pieces for about two blocks per multiprocessor, of at
    /// least 64 keys each (256 before 2026-12-02: batch-1 decode at 1300 keys then ran 24 blocks on 132
    /// multiprocessors).
    func pagedSplitKeys(maxKeys: Int, blocks: Int) -> Int {
        switch split {
        case .never:
            return 0
        case let .keys(keys):
            return keys > 0 && keys < maxKeys ? (keys + 31) / 32 * 32 : 0
        case .automatic:
            let target = 2 * context.properties.multiprocessorCount
            guard maxKeys > 1024, blocks < target else { return 0 }
            let pieces = min((target + blocks - 1) / blocks, (maxKeys + 63) / 64)
            guard pieces > 1 else { return 0 }
            return ((maxKeys + pieces - 1) / pieces + 31) / 32 * 32
        }
    }
}

/// Head counts of an attention call: q `[rows, heads, dim]`, keys `[..., kvHeads, dim]`.
struct HeadShape {
    let rows: Int, heads: Int, kvHeads: Int, dim: Int
    var group: Int { heads / kvHeads }

    init(q: Tensor, keys: Tensor, out: Tensor, operation: String) {
        precondition(q.shape.count == 3 && keys.shape.count >= 3, "\(operation): q \(q.shape), keys \(keys.shape)")
        rows = q.shape[0]
        heads = q.shape[1]
        dim = q.shape[2]
        kvHeads = keys.shape[keys.shape.count - 2]
        precondition(keys.shape.last == dim && kvHeads > 0 && heads % kvHeads == 0 && out.elementCount == q.elementCount && out.dtype == q.dtype,
                     "\(operation): q \(q.shape), keys \(keys.shape), out \(out.shape)")
    }
}
