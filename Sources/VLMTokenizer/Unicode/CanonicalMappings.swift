@_spi(_Unicode) import Swift

/// Canonical decompositions and primary compositions of Unicode 9.0, the data NFC needs, derived once
/// from the standard library's (newer) data: mappings of assigned characters never change, so keeping
/// only characters assigned by 9.0 gives that version's tables. Hangul syllables are algorithmic and
/// are not stored.
struct CanonicalMappings: Sendable {
    private var decompositionRanges: [UInt32: Range<Int>] = [:]
    private var decompositionStorage: [UInt32] = []
    private var compositions: [UInt64: UInt32] = [:]
    private var excluded: Set<UInt32> = []
    private var secondScalars: Set<UInt32> = []

    init() {
        for value in UInt32(0xC0)..<ScalarProperties.tableLimit {
            guard let scalar = Unicode.Scalar(value), !Hangul.isSyllable(value),
                UnicodeVersionCutoff.normalization.includes(scalar.properties.age)
            else { continue }
            let decomposed = String(scalar)._nfd.map(\.value)
            if decomposed == [value] { continue }
            let start = decompositionStorage.count
            decompositionStorage.append(contentsOf: decomposed)
            decompositionRanges[value] = start..<decompositionStorage.count
            if Self.nfc(of: [value]) != [value] {
                excluded.insert(value)
            } else if decomposed.count >= 2, let last = decomposed.last {
                // A primary composite: its mapping pair is (NFC of all but the last scalar, last scalar).
                let first = Self.nfc(of: decomposed.dropLast())
                if first.count == 1 {
                    compositions[Self.pairKey(first[0], last)] = value
                    secondScalars.insert(last)
                }
            }
        }
    }

    /// The full canonical decomposition of `value`, or nil when it has none (Hangul excluded).
    func decomposition(_ value: UInt32) -> ArraySlice<UInt32>? {
        guard let range = decompositionRanges[value] else { return nil }
        return decompositionStorage[range]
    }

    /// The primary composite of `first` followed by `second`, Hangul included.
    func compose(_ first: UInt32, _ second: UInt32) -> UInt32? {
        if let hangul = Hangul.compose(first, second) { return hangul }
        return compositions[Self.pairKey(first, second)]
    }

    func isExcludedFromNFC(_ value: UInt32) -> Bool { excluded.contains(value) }

    func composesWithPrevious(_ value: UInt32) -> Bool {
        secondScalars.contains(value) || Hangul.isVowel(value) || Hangul.isTrailing(value)
    }

    private static func pairKey(_ first: UInt32, _ second: UInt32) -> UInt64 {
        UInt64(first) << 32 | UInt64(second)
    }

    private static func nfc<S: Sequence>(of scalars: S) -> [UInt32] where S.Element == UInt32 {
        var text = String.UnicodeScalarView()
        for value in scalars {
            if let scalar = Unicode.Scalar(value) { text.append(scalar) }
        }
        return String(text)._nfc.map(\.value)
    }
}

/// The Hangul syllable arithmetic of Unicode §3.12.
enum Hangul {
    static let syllableBase: UInt32 = 0xAC00
    static let leadingBase: UInt32 = 0x1100
    static let vowelBase: UInt32 = 0x1161
    static let trailingBase: UInt32 = 0x11A7
    static let leadingCount: UInt32 = 19
    static let vowelCount: UInt32 = 21
    static let trailingCount: UInt32 = 28
    static let syllableCount: UInt32 = leadingCount * vowelCount * trailingCount

    static func isSyllable(_ value: UInt32) -> Bool { value &- syllableBase < syllableCount }
    static func isVowel(_ value: UInt32) -> Bool { value &- vowelBase < vowelCount }
    static func isTrailing(_ value: UInt32) -> Bool { value > trailingBase && value < trailingBase + trailingCount }

    /// Appends the decomposition of a syllable (two or three jamo).
    static func decompose(_ value: UInt32, into out: inout [UInt32]) {
        let index = value - syllableBase
        out.append(leadingBase + index / (vowelCount * trailingCount))
        out.append(vowelBase + (index % (vowelCount * trailingCount)) / trailingCount)
        let trailing = index % trailingCount
        if trailing != 0 { out.append(trailingBase + trailing) }
    }

    static func compose(_ first: UInt32, _ second: UInt32) -> UInt32? {
        if first &- leadingBase < leadingCount, isVowel(second) {
            let index = (first - leadingBase) * vowelCount + (second - vowelBase)
            return syllableBase + index * trailingCount
        }
        if isSyllable(first), (first - syllableBase) % trailingCount == 0, isTrailing(second) {
            return first + (second - trailingBase)
        }
        return nil
    }
}
