/// Streaming detokenization: feed generated ids one at a time and get back only text that is final.
/// A character split across tokens (a Chinese character or an emoji is often two or three byte-level
/// tokens) is held back until its last byte arrives, so nothing is emitted half. Concatenating every
/// returned string and `finish()` gives exactly `decode` of all the ids.
public struct IncrementalDecoder: Sendable {
    private let tokenizer: Tokenizer
    private let skipSpecialTokens: Bool
    /// Bytes not yet emitted: at most the start of one unfinished UTF-8 sequence.
    private var pending: [UInt8] = []

    init(tokenizer: Tokenizer, skipSpecialTokens: Bool) {
        self.tokenizer = tokenizer
        self.skipSpecialTokens = skipSpecialTokens
    }

    /// The new text that `id` completes (often empty while a character is unfinished).
    public mutating func add(_ id: Int) -> String {
        tokenizer.appendBytes(of: id, skippingSpecial: skipSpecialTokens, to: &pending)
        let end = Self.completePrefixLength(pending)
        guard end > 0 else { return "" }
        let text = String(decoding: pending[0..<end], as: UTF8.self)
        pending.removeFirst(end)
        return text
    }

    public mutating func add(_ ids: [Int]) -> String {
        ids.map { add($0) }.joined()
    }

    /// Whatever is still held back, with an unfinished character as U+FFFD (the stream has ended).
    public mutating func finish() -> String {
        defer { pending.removeAll() }
        return String(decoding: pending, as: UTF8.self)
    }

    /// Length of `bytes` without a trailing sequence that is a valid start of an unfinished character.
    /// Decoding is local (an invalid sequence becomes U+FFFD on its own), so text up to there decodes
    /// the same now as it would with the bytes that follow.
    static func completePrefixLength(_ bytes: [UInt8]) -> Int {
        var lead = bytes.count - 1
        while lead >= 0, lead >= bytes.count - 3, bytes[lead] & 0xC0 == 0x80 { lead -= 1 }
        guard lead >= 0 else { return bytes.count }
        let needed: Int
        switch bytes[lead] {
        case 0xC2...0xDF: needed = 2
        case 0xE0...0xEF: needed = 3
        case 0xF0...0xF4: needed = 4
        default: return bytes.count
        }
        let present = bytes.count - lead
        guard present < needed else { return bytes.count }
        if present >= 2 {
            // The second byte's range depends on the lead (no overlongs, surrogates or > U+10FFFF).
            let second = bytes[lead + 1]
            let valid: ClosedRange<UInt8>
            switch bytes[lead] {
            case 0xE0: valid = 0xA0...0xBF
            case 0xED: valid = 0x80...0x9F
            case 0xF0: valid = 0x90...0xBF
            case 0xF4: valid = 0x80...0x8F
            default: valid = 0x80...0xBF
            }
            guard valid.contains(second) else { return bytes.count }
        }
        return lead
    }
}
