/// The Split pre-tokenizer of Qwen2 (behavior "Isolated"), its regex implemented by hand:
///
///     (?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+
///
/// Every scalar is a letter, a number, whitespace or something else, so matches tile the text and each
/// piece is the first alternative that matches where the previous piece ended (Oniguruma's leftmost,
/// first-alternative semantics, backtracking included). Letter, number and whitespace are Oniguruma's
/// `\p{L}`, `\p{N}` and `\s` (Unicode 16.0), from `ScalarProperties`.
struct QwenPreTokenizer: Sendable {
    static let pattern = #"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"#

    private enum Class: UInt8 {
        case letter, number, newline, space, whitespace, other

        var isWhitespace: Bool { self == .newline || self == .space || self == .whitespace }
    }

    private let properties = ScalarProperties.shared

    private static let asciiClasses: [Class] = (0..<128).map { byte -> Class in
        switch UInt8(byte) {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"): return .letter
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return .number
        case 0x0A, 0x0D: return .newline
        case 0x20: return .space
        case 0x09, 0x0B, 0x0C: return .whitespace
        default: return .other
        }
    }

    @inline(__always)
    private func classify(_ bytes: UnsafeBufferPointer<UInt8>, _ index: Int) -> (Class, Int) {
        let byte = bytes[index]
        if byte < 0x80 { return (Self.asciiClasses[Int(byte)], 1) }
        let (value, length) = UTF8Scalars.decode(bytes, at: index)
        let entry = properties.entry(value)
        if entry & ScalarProperties.letter != 0 { return (.letter, length) }
        if entry & ScalarProperties.number != 0 { return (.number, length) }
        if entry & ScalarProperties.whitespace != 0 { return (.whitespace, length) }
        return (.other, length)
    }

    /// Calls `body` with the byte range of each piece, in order.
    func split(_ bytes: UnsafeBufferPointer<UInt8>, _ body: (Range<Int>) -> Void) {
        var index = 0
        while index < bytes.count {
            let end = pieceEnd(bytes, from: index)
            body(index..<end)
            index = end
        }
    }

    private func pieceEnd(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        if bytes[start] == UInt8(ascii: "'"), let end = contractionEnd(bytes, start) { return end }
        let (first, firstLength) = classify(bytes, start)
        let next = start + firstLength
        switch first {
        case .letter:
            return skip(.letter, bytes, from: next)
        case .number:
            return next
        default:
            break
        }
        // [^\r\n\p{L}\p{N}]?\p{L}+ with the optional prefix present.
        if first != .newline, next < bytes.count, classify(bytes, next).0 == .letter {
            return skip(.letter, bytes, from: next)
        }
        //  ?[^\s\p{L}\p{N}]+[\r\n]*
        if first == .other {
            return skipNewlines(bytes, from: skip(.other, bytes, from: next))
        }
        if first == .space, next < bytes.count, classify(bytes, next).0 == .other {
            return skipNewlines(bytes, from: skip(.other, bytes, from: next))
        }
        return whitespaceEnd(bytes, from: start)
    }

    /// `'s|'t|'re|'ve|'m|'ll|'d`, case-insensitive: Oniguruma's case folding also maps `ſ` (U+017F) to s.
    private func contractionEnd(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int) -> Int? {
        guard start + 1 < bytes.count else { return nil }
        let second = bytes[start + 1] | 0x20  // ASCII lower case (harmless for the other bytes tested)
        switch second {
        case UInt8(ascii: "s"), UInt8(ascii: "t"), UInt8(ascii: "m"), UInt8(ascii: "d"):
            return start + 2
        case 0xE5 where bytes[start + 1] == 0xC5:
            return start + 2 < bytes.count && bytes[start + 2] == 0xBF ? start + 3 : nil
        case UInt8(ascii: "r"), UInt8(ascii: "v"):
            return start + 2 < bytes.count && bytes[start + 2] | 0x20 == UInt8(ascii: "e") ? start + 3 : nil
        case UInt8(ascii: "l"):
            return start + 2 < bytes.count && bytes[start + 2] | 0x20 == UInt8(ascii: "l") ? start + 3 : nil
        default:
            return nil
        }
    }

    private func skip(_ wanted: Class, _ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        var index = start
        while index < bytes.count {
            let (kind, length) = classify(bytes, index)
            if kind != wanted { break }
            index += length
        }
        return index
    }

    private func skipNewlines(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        var index = start
        while index < bytes.count, bytes[index] == 0x0A || bytes[index] == 0x0D { index += 1 }
        return index
    }

    /// `\s*[\r\n]+|\s+(?!\S)|\s+` on a whitespace run: up to its last newline if it has one; otherwise
    /// all of it at the end of the text, all but its last scalar before other text (so that scalar can
    /// lead the next piece), or the single scalar when the run is one scalar long.
    private func whitespaceEnd(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        var index = start
        var afterLastNewline: Int?
        var lastScalarStart = start
        var scalarCount = 0
        while index < bytes.count {
            let (kind, length) = classify(bytes, index)
            if !kind.isWhitespace { break }
            if kind == .newline { afterLastNewline = index + length }
            lastScalarStart = index
            scalarCount += 1
            index += length
        }
        if let afterLastNewline { return afterLastNewline }
        if index == bytes.count || scalarCount == 1 { return index }
        return lastScalarStart
    }
}
