/// Unicode Normalization Form C exactly as Hugging Face's `NFC` normalizer computes it (Unicode 9.0
/// tables, see `ScalarProperties`), on UTF-8 bytes.
struct NFCNormalizer: Sendable {
    private let properties = ScalarProperties.shared

    /// The NFC form of `bytes`, or nil when they are already in NFC (most text: a quick check proves it
    /// without decomposing anything).
    func normalize(_ bytes: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        guard let start = firstUnstableStart(bytes) else { return nil }
        var out = [UInt8]()
        out.reserveCapacity(bytes.count + 16)
        out.append(contentsOf: bytes[0..<start])
        normalizeFully(UnsafeBufferPointer(rebasing: bytes[start...]), into: &out)
        return out
    }

    /// Byte offset of the last starter before the first place where the text may not be NFC (a scalar
    /// that decomposes or may compose with what precedes it, or combining marks out of order); nil when
    /// the whole text passes. Text before that starter is unaffected by normalization.
    private func firstUnstableStart(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        var index = 0
        var lastStarter = 0
        var lastClass: UInt16 = 0
        while index < bytes.count {
            if bytes[index] < 0x80 {
                lastStarter = index
                lastClass = 0
                index += 1
                continue
            }
            let (value, length) = UTF8Scalars.decode(bytes, at: index)
            let entry = properties.entry(value)
            let combiningClass = entry & 0xFF
            if entry & (ScalarProperties.nfcNo | ScalarProperties.nfcMaybe) != 0
                || (combiningClass != 0 && lastClass > combiningClass)
            {
                return lastStarter
            }
            if combiningClass == 0 { lastStarter = index }
            lastClass = combiningClass
            index += length
        }
        return nil
    }

    /// Decompose, put combining marks in canonical order, recompose (Unicode §3.11, UAX #15).
    private func normalizeFully(_ bytes: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) {
        var scalars = [UInt32]()
        scalars.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            let (value, length) = UTF8Scalars.decode(bytes, at: index)
            index += length
            if Hangul.isSyllable(value) {
                Hangul.decompose(value, into: &scalars)
            } else if value >= 0xC0, let decomposition = properties.canonical.decomposition(value) {
                scalars.append(contentsOf: decomposition)
            } else {
                scalars.append(value)
            }
        }
        reorderCombiningMarks(&scalars)
        let count = compose(&scalars)
        for value in scalars[0..<count] { UTF8Scalars.append(value, to: &out) }
    }

    private func combiningClass(_ value: UInt32) -> UInt16 {
        value < 0x300 ? 0 : properties.entry(value) & 0xFF
    }

    /// Puts each run of non-starters in order of combining class, keeping the order of equal classes.
    private func reorderCombiningMarks(_ scalars: inout [UInt32]) {
        var index = 0
        while index < scalars.count {
            guard combiningClass(scalars[index]) != 0 else {
                index += 1
                continue
            }
            var end = index + 1
            while end < scalars.count, combiningClass(scalars[end]) != 0 { end += 1 }
            if end - index > 1 { sortRun(&scalars, index..<end) }
            index = end
        }
    }

    /// Sorting (class, position) keys, which are all distinct, is stable whatever the algorithm, and
    /// O(n log n) even for a hostile megabyte of combining marks.
    private func sortRun(_ scalars: inout [UInt32], _ run: Range<Int>) {
        let keys = run.map { UInt64(combiningClass(scalars[$0])) << 32 | UInt64($0) }.sorted()
        let original = Array(scalars[run])
        for (offset, key) in keys.enumerated() {
            scalars[run.lowerBound + offset] = original[Int(key & 0xFFFF_FFFF) - run.lowerBound]
        }
    }

    /// Canonical composition in place; returns the new count.
    private func compose(_ scalars: inout [UInt32]) -> Int {
        var written = 0
        var starter = -1
        var lastClass: UInt16 = 0
        for index in 0..<scalars.count {
            let value = scalars[index]
            let valueClass = combiningClass(value)
            if starter >= 0 {
                let adjacent = written - 1 == starter
                if adjacent || (lastClass != 0 && lastClass < valueClass),
                    let composite = properties.canonical.compose(scalars[starter], value)
                {
                    scalars[starter] = composite
                    continue
                }
            }
            if valueClass == 0 { starter = written }
            lastClass = valueClass
            scalars[written] = value
            written += 1
        }
        return written
    }
}
