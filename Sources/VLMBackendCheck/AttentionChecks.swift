import VLMCompute

/// Vision segment attention, the paged KV write and paged attention over random block tables.
extension CheckContext {
    func checkSegmentAttention(_ label: String, segments: [Int], heads: Int, kvHeads: Int, dim: Int) {
        let rows = segments.last ?? 0
        let shape = "\(label): \(rows)×\(heads)×\(dim), \(kvHeads) kv heads, \(segments.count - 1) segments"
        group("segmentAttention", shape) {
            let q = try activation([rows, heads, dim], scale: 3)
            let k = try activation([rows, kvHeads, dim]), v = try activation([rows, kvHeads, dim])
            let bounds = try indices(segments.map { Int32($0) })
            let out = try output([rows, heads, dim])
            let scale = 1 / Float(dim).squareRoot()
            reference.segmentAttention(q: q.reference, k: k.reference, v: v.reference, segments: bounds.reference, scale: scale, into: out.reference)
            device.segmentAttention(q: q.device, k: k.device, v: v.device, segments: bounds.device, scale: scale, into: out.device)
            compare("segmentAttention", shape, out)
        }
    }

    /// Rows to distinct random slots of a cache that starts random (so untouched slots must stay as they
    /// were), every 7th row skipped with slot -1.
    func checkWriteKV(rows: Int, kvHeads: Int, dim: Int, blockSize: Int) {
        let blocks = (rows + blockSize - 1) / blockSize + 3
        let shape = "\(rows)×\(kvHeads)×\(dim) into \(blocks)×\(blockSize) slots"
        group("writeKV", shape) {
            let key = try activation([rows, kvHeads, dim]), value = try activation([rows, kvHeads, dim])
            let slotOrder = random.shuffled((0 ..< blocks * blockSize).map { Int32($0) })
            let slots = try indices((0 ..< rows).map { $0 % 7 == 3 ? -1 : slotOrder[$0] })
            let keyCache = try activation([blocks, blockSize, kvHeads, dim]), valueCache = try activation([blocks, blockSize, kvHeads, dim])
            reference.writeKV(key: key.reference, value: value.reference, slots: slots.reference, keyCache: keyCache.reference,
                              valueCache: valueCache.reference)
            device.writeKV(key: key.device, value: value.device, slots: slots.device, keyCache: keyCache.device, valueCache: valueCache.device)
            compare("writeKV keys", shape, keyCache, exact: true)
            compare("writeKV values", shape, valueCache, exact: true)
        }
    }

    /// A flattened batch over a random cache: each sequence's blocks are a random choice of the pool, in
    /// random order, and the cache holds keys for every position up to its context plus its rows.
    func checkPagedAttention(_ label: String, sequences: [(context: Int, queries: Int)], heads: Int, kvHeads: Int, dim: Int, blockSize: Int) {
        let rows = sequences.reduce(0) { $0 + $1.queries }
        let shape = "\(label): \(sequences.count) seq, \(rows) rows, contexts ≤ \(sequences.map(\.context).max() ?? 0), \(heads)/\(kvHeads) heads × \(dim)"
        group("pagedAttention", shape) {
            let blocksPerSequence = sequences.map { ($0.context + $0.queries + blockSize - 1) / blockSize }
            let totalBlocks = blocksPerSequence.reduce(0, +) + 2
            var pool = random.shuffled((0 ..< totalBlocks).map { Int32($0) })
            let width = max(1, blocksPerSequence.max() ?? 1)
            var tables: [Int32] = [], starts: [Int32] = [0], contexts: [Int32] = []
            for (sequence, count) in zip(sequences, blocksPerSequence) {
                let own = Array(pool.prefix(count))
                pool.removeFirst(count)
                tables += own + Array(repeating: 0, count: width - count)
                starts.append(starts[starts.count - 1] + Int32(sequence.queries))
                contexts.append(Int32(sequence.context))
            }
            let q = try activation([rows, heads, dim], scale: 3)
            let keyCache = try activation([totalBlocks, blockSize, kvHeads, dim]), valueCache = try activation([totalBlocks, blockSize, kvHeads, dim])
            let starts2 = try indices(starts), contexts2 = try indices(contexts), tables2 = try indices(tables, shape: [sequences.count, width])
            let maxKeys = sequences.map { $0.context + $0.queries }.max() ?? 0
            func batch(_ pick: (TensorPair) -> Tensor) -> PagedAttentionBatch {
                PagedAttentionBatch(queryStarts: pick(starts2), contextLengths: pick(contexts2), blockTables: pick(tables2), blockSize: blockSize,
                                    sequenceCount: sequences.count, maxKeyLength: maxKeys)
            }
            let out = try output([rows, heads, dim])
            let scale = 1 / Float(dim).squareRoot()
            reference.pagedAttention(q: q.reference, keyCache: keyCache.reference, valueCache: valueCache.reference, batch: batch { $0.reference },
                                     scale: scale, into: out.reference)
            device.pagedAttention(q: q.device, keyCache: keyCache.device, valueCache: valueCache.device, batch: batch { $0.device },
                                  scale: scale, into: out.device)
            compare("pagedAttention", shape, out)
        }
    }
}
