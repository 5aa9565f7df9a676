/// The BPE merges as an open-addressing hash table: (left id, right id) → (rank, merged id). Looked up
/// for every adjacent pair while merging, so it avoids `Dictionary`'s hashing cost.
struct MergeTable: Sendable {
    struct Merge {
        let rank: UInt32
        let merged: UInt32
    }

    private static let empty = UInt64.max
    private var keys: [UInt64]
    private var values: [UInt64]
    private let mask: Int
    private(set) var count = 0

    init(minimumCapacity: Int) {
        var size = 16
        while size < minimumCapacity * 2 { size <<= 1 }
        keys = [UInt64](repeating: Self.empty, count: size)
        values = [UInt64](repeating: 0, count: size)
        mask = size - 1
    }

    @inline(__always)
    private func slot(_ key: UInt64) -> Int {
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 32) & mask
    }

    /// Adds a merge; a pair listed twice keeps its later rank, as `tokenizers` does.
    mutating func insert(left: UInt32, right: UInt32, rank: UInt32, merged: UInt32) {
        let key = UInt64(left) << 32 | UInt64(right)
        var index = slot(key)
        while keys[index] != Self.empty && keys[index] != key { index = (index + 1) & mask }
        if keys[index] == Self.empty { count += 1 }
        keys[index] = key
        values[index] = UInt64(rank) << 32 | UInt64(merged)
    }

    @inline(__always)
    func lookup(_ left: UInt32, _ right: UInt32) -> Merge? {
        let key = UInt64(left) << 32 | UInt64(right)
        var index = slot(key)
        while true {
            let found = keys[index]
            if found == key {
                let value = values[index]
                return Merge(rank: UInt32(truncatingIfNeeded: value >> 32), merged: UInt32(truncatingIfNeeded: value))
            }
            if found == Self.empty { return nil }
            index = (index + 1) & mask
        }
    }
}
