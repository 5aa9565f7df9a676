/// Per-scalar facts the normalizer and the pre-tokenizer need, as Hugging Face `tokenizers` sees them.
///
/// `tokenizers` does not use one Unicode version: its regexes run on Oniguruma, whose tables are Unicode
/// 16.0, and its NFC comes from the `unicode-normalization-alignments` crate, whose tables are Unicode 9.0
/// (both checked code point by code point against the Python binding; see notes/tokenizer.md). The
/// standard library carries newer data, so each fact is taken from it and cut off by the scalar's `age`.
struct ScalarProperties: Sendable {
    /// Bits of a table entry; the low 8 bits are the canonical combining class (Unicode 9.0).
    static let letter: UInt16 = 1 << 8
    static let number: UInt16 = 1 << 9
    static let whitespace: UInt16 = 1 << 10
    /// Never part of NFC text (decomposes, or is excluded from composition).
    static let nfcNo: UInt16 = 1 << 11
    /// May compose with the scalar before it, so NFC must look at its neighbourhood.
    static let nfcMaybe: UInt16 = 1 << 12

    /// Scalars below this have a table entry; above it (planes 4-16: tags, variation selectors,
    /// private use) the entry is computed on demand.
    static let tableLimit: UInt32 = 0x32400

    static let shared = ScalarProperties()

    private let table: [UInt16]
    let canonical: CanonicalMappings

    private init() {
        let canonical = CanonicalMappings()
        var table = [UInt16](repeating: 0, count: Int(Self.tableLimit))
        for value in 0..<Self.tableLimit {
            if let scalar = Unicode.Scalar(value) {
                table[Int(value)] = Self.computeEntry(scalar, canonical)
            }
        }
        self.table = table
        self.canonical = canonical
    }

    @inline(__always)
    func entry(_ value: UInt32) -> UInt16 {
        if value < Self.tableLimit { return table[Int(value)] }
        guard let scalar = Unicode.Scalar(value) else { return 0 }
        return Self.computeEntry(scalar, canonical)
    }

    private static func computeEntry(_ scalar: Unicode.Scalar, _ canonical: CanonicalMappings) -> UInt16 {
        let properties = scalar.properties
        var entry: UInt16 = 0
        if UnicodeVersionCutoff.regex.includes(properties.age) {
            switch properties.generalCategory {
            case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter:
                entry |= letter
            case .decimalNumber, .letterNumber, .otherNumber:
                entry |= number
            default:
                break
            }
            if properties.isWhitespace { entry |= whitespace }
        }
        if UnicodeVersionCutoff.normalization.includes(properties.age) {
            entry |= UInt16(properties.canonicalCombiningClass.rawValue)
            if canonical.isExcludedFromNFC(scalar.value) { entry |= nfcNo }
            if canonical.composesWithPrevious(scalar.value) { entry |= nfcMaybe }
        }
        return entry
    }
}

/// The Unicode version of each of `tokenizers`' table sets.
struct UnicodeVersionCutoff {
    let major: Int
    let minor: Int

    static let regex = UnicodeVersionCutoff(major: 16, minor: 0)
    static let normalization = UnicodeVersionCutoff(major: 9, minor: 0)

    /// Whether a scalar assigned in `age` exists in this version (unassigned scalars have no age).
    func includes(_ age: Unicode.Version?) -> Bool {
        guard let age else { return false }
        return age.major < major || (age.major == major && age.minor <= minor)
    }
}
