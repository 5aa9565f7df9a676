/// Word bytes → token ids, for words seen before (text repeats its words, and BPE is the costly step).
/// Open addressing over flat storage; cleared when full rather than evicting one by one.
struct WordCache {
    /// Longer words are rare enough not to be worth storing.
    static let maximumWordLength = 128
    private static let slotCount = 1 << 15
    private static let maximumEntries = slotCount / 2

    private struct Slot {
        var hash: UInt64 = 0
        var keyStart: Int32 = -1
        var keyLength: Int32 = 0
        var valueStart: Int32 = 0
        var valueLength: Int32 = 0
    }

    private var slots = [Slot](repeating: Slot(), count: slotCount)
    private var keyBytes: [UInt8] = []
    private var valueIds: [UInt32] = []
    private var entries = 0

    @inline(__always)
    private static func hash(_ word: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in word { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        return hash
    }

    /// Appends the cached ids of `word` to `ids`; false when the word is not cached.
    func appendCached(_ word: UnsafeBufferPointer<UInt8>, to ids: inout [Int]) -> Bool {
        let hash = Self.hash(word)
        var index = Int(truncatingIfNeeded: hash) & (Self.slotCount - 1)
        while true {
            let slot = slots[index]
            if slot.keyStart < 0 { return false }
            if slot.hash == hash, Int(slot.keyLength) == word.count, matches(slot, word) {
                let start = Int(slot.valueStart)
                for position in start..<start + Int(slot.valueLength) { ids.append(Int(valueIds[position])) }
                return true
            }
            index = (index + 1) & (Self.slotCount - 1)
        }
    }

    private func matches(_ slot: Slot, _ word: UnsafeBufferPointer<UInt8>) -> Bool {
        let start = Int(slot.keyStart)
        for offset in 0..<word.count where keyBytes[start + offset] != word[offset] { return false }
        return true
    }

    mutating func store(_ word: UnsafeBufferPointer<UInt8>, ids: ArraySlice<UInt32>) {
        guard word.count <= Self.maximumWordLength else { return }
        if entries >= Self.maximumEntries { clear() }
        let hash = Self.hash(word)
        var index = Int(truncatingIfNeeded: hash) & (Self.slotCount - 1)
        while slots[index].keyStart >= 0 { index = (index + 1) & (Self.slotCount - 1) }
        slots[index] = Slot(hash: hash, keyStart: Int32(keyBytes.count), keyLength: Int32(word.count),
                            valueStart: Int32(valueIds.count), valueLength: Int32(ids.count))
        keyBytes.append(contentsOf: word)
        valueIds.append(contentsOf: ids)
        entries += 1
    }

    private mutating func clear() {
        for index in slots.indices { slots[index] = Slot() }
        keyBytes.removeAll(keepingCapacity: true)
        valueIds.removeAll(keepingCapacity: true)
        entries = 0
    }
}
