#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Softmax attention (fp32 scores and accumulation): bidirectional within segments for the vision tower,
/// causal over the paged KV cache for the language model. One task per (query row, head).
extension CPUBackend {
    public func segmentAttention(q: Tensor, k: Tensor, v: Tensor, segments: Tensor, scale: Float, into out: Tensor) {
        let geometry = HeadGeometry(q: q, k: k, out: out)
        precondition(v.elementCount == k.elementCount, "segmentAttention: k \(k.shape) v \(v.shape)")
        let bounds = segments.int32s()
        let segmentCount = segments.elementCount - 1
        // Segment of every row, so tasks can be split by row.
        var segmentOfRow = [Int](repeating: 0, count: geometry.rows)
        for s in 0 ..< max(segmentCount, 0) {
            for r in Int(bounds[s]) ..< Int(bounds[s + 1]) { segmentOfRow[r] = s }
        }
        precondition(segmentCount >= 1 && bounds[0] == 0 && Int(bounds[segmentCount]) == geometry.rows,
                     "segmentAttention: segments do not cover the \(geometry.rows) rows")
        let keys = k.floats(), values = v.floats(), queries = q.floats(), output = out.floats()
        let maxLength = (0 ..< segmentCount).map { Int(bounds[$0 + 1] - bounds[$0]) }.max() ?? 0
        segmentOfRow.withUnsafeBufferPointer { rowSegment in
            geometry.forEachTask(work: maxLength) { row, head, scores in
                let s = rowSegment[row]
                let start = Int(bounds[s]), length = Int(bounds[s + 1]) - start
                let kvHead = head / geometry.groupSize
                geometry.attendRow(query: queries + (row * geometry.heads + head) * geometry.headDim,
                                   keyCount: length, scale: scale, scores: scores,
                                   key: { UnsafePointer(keys + ((start + $0) * geometry.kvHeads + kvHead) * geometry.headDim) },
                                   value: { UnsafePointer(values + ((start + $0) * geometry.kvHeads + kvHead) * geometry.headDim) },
                                   into: output + (row * geometry.heads + head) * geometry.headDim)
            }
        }
    }

    public func writeKV(key: Tensor, value: Tensor, slots: Tensor, keyCache: Tensor, valueCache: Tensor) {
        let width = key.rowLength
        precondition(value.elementCount == key.elementCount && slots.elementCount == key.rowCount
            && keyCache.elementCount == valueCache.elementCount && keyCache.elementCount % width == 0,
            "writeKV: \(key.shape) into \(keyCache.shape)")
        let slotCount = keyCache.elementCount / width
        let slot = slots.int32s(), k = key.floats(), v = value.floats(), kc = keyCache.floats(), vc = valueCache.floats()
        for t in 0 ..< key.rowCount where slot[t] >= 0 {
            let s = Int(slot[t])
            precondition(s < slotCount, "writeKV: slot \(s) outside the cache of \(slotCount) slots")
            (kc + s * width).update(from: k + t * width, count: width)
            (vc + s * width).update(from: v + t * width, count: width)
        }
    }

    public func pagedAttention(q: Tensor, keyCache: Tensor, valueCache: Tensor, batch: PagedAttentionBatch, scale: Float,
                               into out: Tensor)
    {
        let geometry = HeadGeometry(q: q, k: keyCache, out: out)
        let starts = batch.queryStarts.int32s(), contexts = batch.contextLengths.int32s(), tables = batch.blockTables.int32s()
        let tableWidth = batch.blockTables.rowLength, blockSize = batch.blockSize
        precondition(Int(starts[batch.sequenceCount]) == geometry.rows, "pagedAttention: query starts do not cover \(geometry.rows) rows")
        var sequenceOfRow = [Int](repeating: 0, count: geometry.rows)
        for s in 0 ..< batch.sequenceCount {
            for r in Int(starts[s]) ..< Int(starts[s + 1]) { sequenceOfRow[r] = s }
        }
        let keys = keyCache.floats(), values = valueCache.floats(), queries = q.floats(), output = out.floats()
        let rowWidth = geometry.kvHeads * geometry.headDim
        sequenceOfRow.withUnsafeBufferPointer { rowSequence in
            geometry.forEachTask(work: batch.maxKeyLength) { row, head, scores in
                let s = rowSequence[row]
                let keyCount = Int(contexts[s]) + (row - Int(starts[s])) + 1
                precondition(keyCount <= batch.maxKeyLength && (keyCount + blockSize - 1) / blockSize <= tableWidth,
                             "pagedAttention: \(keyCount) keys exceed maxKeyLength or the block table")
                let table = tables + s * tableWidth
                let kvHead = head / geometry.groupSize
                @inline(__always) func slot(_ p: Int) -> Int { Int(table[p / blockSize]) * blockSize + p % blockSize }
                geometry.attendRow(query: queries + (row * geometry.heads + head) * geometry.headDim,
                                   keyCount: keyCount, scale: scale, scores: scores,
                                   key: { UnsafePointer(keys + slot($0) * rowWidth + kvHead * geometry.headDim) },
                                   value: { UnsafePointer(values + slot($0) * rowWidth + kvHead * geometry.headDim) },
                                   into: output + (row * geometry.heads + head) * geometry.headDim)
            }
        }
    }
}

/// Head counts of an attention call and the per-row kernel they share.
private struct HeadGeometry {
    let rows: Int, heads: Int, kvHeads: Int, headDim: Int
    var groupSize: Int { heads / kvHeads }

    /// q `[rows, heads, headDim]`, k `[*, kvHeads, headDim]`.
    init(q: Tensor, k: Tensor, out: Tensor) {
        precondition(q.shape.count == 3 && k.shape.count >= 3, "attention: q \(q.shape), k \(k.shape)")
        rows = q.shape[0]
        heads = q.shape[1]
        headDim = q.shape[2]
        kvHeads = k.shape[k.shape.count - 2]
        precondition(k.shape.last == headDim && heads % kvHeads == 0 && out.elementCount == q.elementCount,
                     "attention: q \(q.shape), k \(k.shape), out \(out.shape)")
    }

    /// Runs `body(row, head, scoreScratch)` over all (row, head) pairs on the cores.
    func forEachTask(work keysPerTask: Int, _ body: (Int, Int, UnsafeMutablePointer<Float>) -> Void) {
        Parallel.forEachChunk(rows * heads, minimumChunk: max(1, 8192 / max(1, keysPerTask * headDim))) { tasks in
            let scores = UnsafeMutablePointer<Float>.allocate(capacity: max(keysPerTask, 1))
            defer { scores.deallocate() }
            for task in tasks { body(task / heads, task % heads, scores) }
        }
    }

    /// softmax(q·kᵀ·scale)·v for one query row and head over `keyCount` keys.
    @inline(__always)
    func attendRow(query: UnsafePointer<Float>, keyCount: Int, scale: Float, scores: UnsafeMutablePointer<Float>,
                   key: (Int) -> UnsafePointer<Float>, value: (Int) -> UnsafePointer<Float>,
                   into result: UnsafeMutablePointer<Float>)
    {
        var maximum = -Float.infinity
        for j in 0 ..< keyCount {
            let score = Vector.dot(query, key(j), headDim) * scale
            scores[j] = score
            maximum = max(maximum, score)
        }
        var total: Float = 0
        for j in 0 ..< keyCount {
            let e = expf(scores[j] - maximum)
            scores[j] = e
            total += e
        }
        result.update(repeating: 0, count: headDim)
        for j in 0 ..< keyCount { Vector.axpy(scores[j] / total, value(j), result, headDim) }
    }
}
