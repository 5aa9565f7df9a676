/// Finds added tokens in text before anything else sees it, as `tokenizers`' AddedVocabulary does:
/// leftmost-longest matches (its Aho-Corasick `LeftmostLongest`), then `lstrip` / `rstrip` widen a
/// match over neighbouring whitespace. Text between matches goes on to normalization and BPE, so an
/// added token is never split.
struct AddedTokenMatcher: Sendable {
    struct Token: Sendable {
        let id: Int
        let content: [UInt8]
        let lstrip: Bool
        let rstrip: Bool
    }

    /// A piece of the text: an added token, or plain text to tokenize.
    enum Segment: Equatable {
        case token(id: Int, range: Range<Int>)
        case text(Range<Int>)
    }

    private let tokens: [Token]
    /// Byte trie: `edges[node]` maps a byte to the next node; `terminal[node]` is an index into tokens.
    private var edges: [[UInt8: Int32]] = [[:]]
    private var terminal: [Int32] = [-1]
    private var startsToken = [Bool](repeating: false, count: 256)

    var isEmpty: Bool { tokens.isEmpty }

    init(_ tokens: [Token]) {
        self.tokens = tokens
        for (index, token) in tokens.enumerated() where !token.content.isEmpty {
            var node = 0
            for byte in token.content {
                if let next = edges[node][byte] {
                    node = Int(next)
                } else {
                    edges.append([:])
                    terminal.append(-1)
                    edges[node][byte] = Int32(edges.count - 1)
                    node = edges.count - 1
                }
            }
            // The first of two identical contents wins, like the first pattern in Aho-Corasick.
            if terminal[node] < 0 { terminal[node] = Int32(index) }
            startsToken[Int(token.content[0])] = true
        }
    }

    /// The longest token starting at `start`, as (token index, end).
    private func longestMatch(_ bytes: UnsafeBufferPointer<UInt8>, at start: Int) -> (Int, Int)? {
        var node = 0
        var best: (Int, Int)?
        var index = start
        while index < bytes.count, let next = edges[node][bytes[index]] {
            node = Int(next)
            index += 1
            if terminal[node] >= 0 { best = (Int(terminal[node]), index) }
        }
        return best
    }

    /// Splits `bytes` into tokens and the text between them, covering all of it.
    func segments(_ bytes: UnsafeBufferPointer<UInt8>) -> [Segment] {
        var segments: [Segment] = []
        var textStart = 0
        var index = 0
        while index < bytes.count {
            guard startsToken[Int(bytes[index])], let (tokenIndex, matchEnd) = longestMatch(bytes, at: index) else {
                index += 1
                continue
            }
            let token = tokens[tokenIndex]
            var start = index
            var end = matchEnd
            if token.lstrip { start = max(Self.whitespaceStart(bytes, before: start), textStart) }
            if token.rstrip { end = Self.whitespaceEnd(bytes, after: end) }
            if textStart < start { segments.append(.text(textStart..<start)) }
            segments.append(.token(id: token.id, range: start..<end))
            textStart = end
            index = matchEnd
        }
        if textStart < bytes.count { segments.append(.text(textStart..<bytes.count)) }
        return segments
    }

    /// Start of the whitespace run (Unicode White_Space) that ends at `end`.
    private static func whitespaceStart(_ bytes: UnsafeBufferPointer<UInt8>, before end: Int) -> Int {
        var start = end
        while start > 0 {
            var lead = start - 1
            while lead > 0, bytes[lead] & 0xC0 == 0x80 { lead -= 1 }
            guard isWhitespace(UTF8Scalars.decode(bytes, at: lead).value) else { break }
            start = lead
        }
        return start
    }

    private static func whitespaceEnd(_ bytes: UnsafeBufferPointer<UInt8>, after start: Int) -> Int {
        var end = start
        while end < bytes.count {
            let (value, length) = UTF8Scalars.decode(bytes, at: end)
            guard isWhitespace(value) else { break }
            end += length
        }
        return end
    }

    private static func isWhitespace(_ value: UInt32) -> Bool {
        Unicode.Scalar(value)?.properties.isWhitespace ?? false
    }
}
