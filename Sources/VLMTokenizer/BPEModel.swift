/// Byte-level BPE: a word's bytes start as single-byte tokens and the adjacent pair with the lowest
/// merge rank is merged (leftmost first on ties) until no pair has a merge, as `tokenizers`' BPE model
/// does without dropout.
struct BPEModel: Sendable {
    /// Token id of each single byte.
    let byteIds: [UInt32]
    let merges: MergeTable
    /// When set (`ignore_merges`), a word that is itself in the vocabulary becomes that one token.
    let wholeWordIds: [[UInt8]: UInt32]?

    /// Words up to this many bytes are merged by rescanning; longer ones through a priority queue, so a
    /// hostile megabyte-long word costs O(n log n) rather than O(n²).
    static let scanLimit = 48

    /// Appends the ids of `word` to `out`.
    func encode(_ word: UnsafeBufferPointer<UInt8>, scratch: inout BPEScratch, into out: inout [UInt32]) {
        if let wholeWordIds, let id = wholeWordIds[Array(word)] {
            out.append(id)
            return
        }
        if word.count <= Self.scanLimit {
            mergeByScanning(word, scratch: &scratch, into: &out)
        } else {
            mergeWithQueue(word, scratch: &scratch, into: &out)
        }
    }

    private func mergeByScanning(_ word: UnsafeBufferPointer<UInt8>, scratch: inout BPEScratch, into out: inout [UInt32]) {
        scratch.symbols.removeAll(keepingCapacity: true)
        scratch.pairRanks.removeAll(keepingCapacity: true)
        for byte in word { scratch.symbols.append(byteIds[Int(byte)]) }
        for index in 0..<max(word.count - 1, 0) {
            scratch.pairRanks.append(merges.lookup(scratch.symbols[index], scratch.symbols[index + 1])?.rank ?? .max)
        }
        while true {
            var best = -1
            var bestRank = UInt32.max
            for (index, rank) in scratch.pairRanks.enumerated() where rank < bestRank {
                best = index
                bestRank = rank
            }
            guard best >= 0, let merge = merges.lookup(scratch.symbols[best], scratch.symbols[best + 1]) else { break }
            scratch.symbols[best] = merge.merged
            scratch.symbols.remove(at: best + 1)
            scratch.pairRanks.remove(at: best)
            if best > 0 {
                scratch.pairRanks[best - 1] = merges.lookup(scratch.symbols[best - 1], merge.merged)?.rank ?? .max
            }
            if best < scratch.pairRanks.count {
                scratch.pairRanks[best] = merges.lookup(merge.merged, scratch.symbols[best + 1])?.rank ?? .max
            }
        }
        out.append(contentsOf: scratch.symbols)
    }

    /// The priority-queue form: entries are (rank, position), stale ones skipped when popped.
    private func mergeWithQueue(_ word: UnsafeBufferPointer<UInt8>, scratch: inout BPEScratch, into out: inout [UInt32]) {
        let count = word.count
        scratch.symbols.removeAll(keepingCapacity: true)
        scratch.next.removeAll(keepingCapacity: true)
        scratch.previous.removeAll(keepingCapacity: true)
        scratch.queue.removeAll()
        for (index, byte) in word.enumerated() {
            scratch.symbols.append(byteIds[Int(byte)])
            scratch.next.append(index + 1 < count ? Int32(index + 1) : -1)
            scratch.previous.append(Int32(index - 1))
        }
        for index in 0..<count - 1 {
            if let merge = merges.lookup(scratch.symbols[index], scratch.symbols[index + 1]) {
                scratch.queue.push(rank: merge.rank, position: index)
            }
        }
        while let (rank, position) = scratch.queue.pop() {
            let following = Int(scratch.next[position])
            // Merged away (`previous` marks removed symbols with -2), at the end, or stale.
            guard scratch.previous[position] != -2, following >= 0,
                let merge = merges.lookup(scratch.symbols[position], scratch.symbols[following]), merge.rank == rank
            else { continue }
            scratch.symbols[position] = merge.merged
            let afterFollowing = scratch.next[following]
            scratch.next[position] = afterFollowing
            scratch.previous[following] = -2
            if afterFollowing >= 0 { scratch.previous[Int(afterFollowing)] = Int32(position) }
            let before = Int(scratch.previous[position])
            if before >= 0, let left = merges.lookup(scratch.symbols[before], merge.merged) {
                scratch.queue.push(rank: left.rank, position: before)
            }
            if afterFollowing >= 0, let right = merges.lookup(merge.merged, scratch.symbols[Int(afterFollowing)]) {
                scratch.queue.push(rank: right.rank, position: position)
            }
        }
        var index = 0
        while index >= 0 {
            out.append(scratch.symbols[index])
            index = Int(scratch.next[index])
        }
    }
}

/// Reusable buffers for `BPEModel.encode`.
struct BPEScratch {
    var symbols: [UInt32] = []
    var pairRanks: [UInt32] = []
    var next: [Int32] = []
    var previous: [Int32] = []
    var queue = MergeQueue()
}

/// A binary min-heap of (rank, position), ordered by rank then position.
struct MergeQueue {
    private var heap: [UInt64] = []

    mutating func removeAll() { heap.removeAll(keepingCapacity: true) }

    mutating func push(rank: UInt32, position: Int) {
        heap.append(UInt64(rank) << 32 | UInt64(position))
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            if heap[parent] <= heap[child] { break }
            heap.swapAt(parent, child)
            child = parent
        }
    }

    mutating func pop() -> (rank: UInt32, position: Int)? {
        guard let top = heap.first else { return nil }
        let last = heap.removeLast()
        if !heap.isEmpty {
            heap[0] = last
            var parent = 0
            while true {
                let left = 2 * parent + 1
                if left >= heap.count { break }
                let right = left + 1
                let smaller = right < heap.count && heap[right] < heap[left] ? right : left
                if heap[parent] <= heap[smaller] { break }
                heap.swapAt(parent, smaller)
                parent = smaller
            }
        }
        return (UInt32(truncatingIfNeeded: top >> 32), Int(truncatingIfNeeded: top & 0xFFFF_FFFF))
    }
}

extension BPEModel {
    /// Builds the byte table and the merge table from the model section of tokenizer.json.
    init(_ definition: TokenizerDefinition) throws {
        let file = TokenizerDefinition.file
        let idsByToken = definition.vocabulary
        var byteIds = [UInt32]()
        for character in ByteLevel.characterForByte {
            guard let id = idsByToken[String(character)] else {
                throw TokenizerError.unsupportedFeature(
                    file: file, feature: "a vocabulary without the byte-level token \"\(character)\" (not byte-level BPE)")
            }
            byteIds.append(UInt32(id))
        }
        var merges = MergeTable(minimumCapacity: definition.merges.count)
        for (rank, merge) in definition.merges.enumerated() {
            guard let left = idsByToken[merge.left], let right = idsByToken[merge.right],
                let merged = idsByToken[merge.left + merge.right]
            else {
                throw TokenizerError.malformed(
                    file: file, reason: "merge \(rank) \"\(merge.left) \(merge.right)\" uses a token missing from model.vocab")
            }
            merges.insert(left: UInt32(left), right: UInt32(right), rank: UInt32(rank), merged: UInt32(merged))
        }
        var wholeWordIds: [[UInt8]: UInt32]?
        if definition.ignoreMerges {
            var table = [[UInt8]: UInt32]()
            for (token, id) in definition.vocabulary {
                if let bytes = ByteLevel.bytes(ofToken: token) { table[bytes] = UInt32(id) }
            }
            wholeWordIds = table
        }
        self.init(byteIds: byteIds, merges: merges, wholeWordIds: wholeWordIds)
    }
}
