// The free KV blocks in eviction order (least recently freed first), as a doubly linked list over block
// ids so that a cached free block that gets a prefix hit leaves the queue in O(1) (vLLM's
// FreeKVCacheBlockQueue).

struct FreeBlockQueue {
    private static let none = -1
    private var previous: [Int]
    private var next: [Int]
    private var isQueued: [Bool]
    private var head = FreeBlockQueue.none
    private var tail = FreeBlockQueue.none
    private(set) var count = 0

    /// All blocks free, in id order.
    init(numBlocks: Int) {
        previous = Array(repeating: Self.none, count: numBlocks)
        next = Array(repeating: Self.none, count: numBlocks)
        isQueued = Array(repeating: false, count: numBlocks)
        for block in 0..<numBlocks { append(block) }
    }

    func contains(_ block: Int) -> Bool { isQueued[block] }

    /// Removes and returns the block to evict next.
    mutating func popFirst() -> Int? {
        guard head != Self.none else { return nil }
        let block = head
        remove(block)
        return block
    }

    mutating func append(_ block: Int) {
        previous[block] = tail
        next[block] = Self.none
        if tail != Self.none { next[tail] = block } else { head = block }
        tail = block
        isQueued[block] = true
        count += 1
    }

    mutating func remove(_ block: Int) {
        let before = previous[block], after = next[block]
        if before != Self.none { next[before] = after } else { head = after }
        if after != Self.none { previous[after] = before } else { tail = before }
        isQueued[block] = false
        count -= 1
    }
}
