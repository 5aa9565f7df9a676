// Owns the KV block pool: ref-counted blocks, the block table of every sequence, and the prefix cache
// (full blocks registered under their PrefixBlockKey, kept after their last user frees them until the
// space is needed, least recently freed first).

final class KVBlockManager {
    let numBlocks: Int
    let blockSize: Int
    let enablePrefixCaching: Bool

    private var refCounts: [Int]
    private var keyOfBlock: [PrefixBlockKey?]
    private var cachedBlock: [PrefixBlockKey: Int] = [:]
    private var freeQueue: FreeBlockQueue

    init(numBlocks: Int, blockSize: Int, enablePrefixCaching: Bool) {
        self.numBlocks = numBlocks
        self.blockSize = blockSize
        self.enablePrefixCaching = enablePrefixCaching
        refCounts = Array(repeating: 0, count: numBlocks)
        keyOfBlock = Array(repeating: nil, count: numBlocks)
        freeQueue = FreeBlockQueue(numBlocks: numBlocks)
    }

    /// Blocks no sequence uses (cached or not).
    var numFreeBlocks: Int { freeQueue.count }

    /// The longest run of cached blocks that starts the sequence. At least one token is always left to
    /// compute, since the step that computes the last prompt token produces the first logits.
    func cachedPrefix(of sequence: SequenceState) -> [Int] {
        guard enablePrefixCaching else { return [] }
        let maxBlocks = (sequence.numTokens - 1) / blockSize
        sequence.refreshBlockKeys(blockSize: blockSize)
        var hits: [Int] = []
        for key in sequence.blockKeys.prefix(maxBlocks) {
            guard let block = cachedBlock[key] else { break }
            hits.append(block)
        }
        return hits
    }

    /// Gives the sequence the blocks it needs to hold `numNewTokens` more tokens after its computed ones
    /// (and after `cachedHits`, blocks from `cachedPrefix` that become its first blocks). Returns false and
    /// changes nothing when the pool cannot supply them.
    func allocateSlots(for sequence: SequenceState, numNewTokens: Int, cachedHits: [Int] = []) -> Bool {
        let tokensAfter = sequence.numComputedTokens + cachedHits.count * blockSize + numNewTokens
        let blocksNeeded = (tokensAfter + blockSize - 1) / blockSize
        let newBlocks = max(0, blocksNeeded - sequence.blockTable.count - cachedHits.count)
        // Hits on free cached blocks take those blocks out of the free pool too.
        let revivedHits = cachedHits.filter { refCounts[$0] == 0 }.count
        guard newBlocks + revivedHits <= freeQueue.count else { return false }

        for block in cachedHits {
            if refCounts[block] == 0 { freeQueue.remove(block) }
            refCounts[block] += 1
            sequence.blockTable.append(block)
        }
        sequence.numRegisteredBlocks += cachedHits.count
        for _ in 0..<newBlocks {
            guard let block = freeQueue.popFirst() else { break }
            evictFromCache(block)
            refCounts[block] = 1
            sequence.blockTable.append(block)
        }
        return true
    }

    /// Registers the sequence's newly full, computed blocks in the prefix cache. Called after a step, so
    /// that a hit never points at a block whose KV is not written yet.
    func cacheComputedBlocks(of sequence: SequenceState) {
        guard enablePrefixCaching else { return }
        let fullComputed = min(sequence.numComputedTokens / blockSize, sequence.blockTable.count)
        guard sequence.numRegisteredBlocks < fullComputed else { return }
        sequence.refreshBlockKeys(blockSize: blockSize)
        for index in sequence.numRegisteredBlocks..<fullComputed {
            let key = sequence.blockKeys[index], block = sequence.blockTable[index]
            // Another sequence may have computed the same content at the same time; the first one stays
            // the cached copy and this block stays private.
            if cachedBlock[key] == nil, keyOfBlock[block] == nil {
                cachedBlock[key] = block
                keyOfBlock[block] = key
            }
        }
        sequence.numRegisteredBlocks = fullComputed
    }

    /// Releases the sequence's blocks, last block first so that a prefix outlives its tail in the cache.
    func free(_ sequence: SequenceState) {
        for block in sequence.blockTable.reversed() {
            refCounts[block] -= 1
            if refCounts[block] == 0 { freeQueue.append(block) }
        }
        sequence.blockTable.removeAll()
        sequence.numRegisteredBlocks = 0
    }

    private func evictFromCache(_ block: Int) {
        guard let key = keyOfBlock[block] else { return }
        cachedBlock[key] = nil
        keyOfBlock[block] = nil
    }
}
