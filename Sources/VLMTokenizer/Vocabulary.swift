/// Every token the tokenizer knows, model vocabulary and added tokens, both ways: text ↔ id, and the
/// bytes each id decodes to.
struct Vocabulary: Sendable {
    /// The token text of each id (nil for ids no token has).
    let tokens: [String?]
    let idsByToken: [String: Int]
    /// Decoded bytes of id i: `decodedBytes[decodedOffsets[i]..<decodedOffsets[i + 1]]`.
    private let decodedBytes: [UInt8]
    private let decodedOffsets: [Int]
    private let special: [Bool]

    var count: Int { tokens.count }

    init(model: [String: Int], added: [TokenizerDefinition.AddedToken]) {
        let size = max(model.values.max() ?? -1, added.map(\.id).max() ?? -1) + 1
        var tokens = [String?](repeating: nil, count: size)
        var idsByToken = model
        for (token, id) in model { tokens[id] = token }
        // Added tokens take precedence in both directions, as in `tokenizers`' AddedVocabulary.
        for token in added {
            tokens[token.id] = token.content
            idsByToken[token.content] = token.id
        }
        let specialContents = Set(added.filter(\.special).map(\.content))
        var bytes = [UInt8]()
        var offsets = [0]
        offsets.reserveCapacity(size + 1)
        bytes.reserveCapacity(size * 8)
        for token in tokens {
            if let token { Self.appendDecodedBytes(of: token, to: &bytes) }
            offsets.append(bytes.count)
        }
        self.tokens = tokens
        self.idsByToken = idsByToken
        self.decodedBytes = bytes
        self.decodedOffsets = offsets
        self.special = tokens.map { $0.map(specialContents.contains) ?? false }
    }

    /// What the ByteLevel decoder turns a token into: the bytes its characters stand for, or, for a
    /// token not written in the byte alphabet (an added token such as "<tool_call>" is, one with a
    /// space is not), its own UTF-8.
    private static func appendDecodedBytes(of token: String, to bytes: inout [UInt8]) {
        let start = bytes.count
        for character in token.unicodeScalars {
            guard let byte = ByteLevel.byte(for: character) else {
                bytes.removeSubrange(start...)
                bytes.append(contentsOf: token.utf8)
                return
            }
            bytes.append(byte)
        }
    }

    func isSpecial(_ id: Int) -> Bool { id >= 0 && id < special.count && special[id] }

    /// Appends the bytes of `id`; ids that name no token are skipped, as `tokenizers` does.
    func appendBytes(of id: Int, skippingSpecial: Bool, to out: inout [UInt8]) {
        guard id >= 0, id < tokens.count, !(skippingSpecial && special[id]) else { return }
        out.append(contentsOf: decodedBytes[decodedOffsets[id]..<decodedOffsets[id + 1]])
    }
}
