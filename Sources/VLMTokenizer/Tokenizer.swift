#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Synchronization

/// A checkpoint's tokenizer, loaded from its `tokenizer.json` (and `tokenizer_config.json`), encoding
/// and decoding exactly as Hugging Face `tokenizers` does. Safe to share between threads.
public final class Tokenizer: Sendable {
    private let vocabulary: Vocabulary
    private let model: BPEModel
    private let normalizer: NFCNormalizer?
    private let preTokenizer = QwenPreTokenizer()
    /// Added tokens matched on the raw text, and those (`normalized: true`) matched after NFC.
    private let rawTokens: AddedTokenMatcher
    private let normalizedTokens: AddedTokenMatcher
    /// Working memory (word cache, BPE buffers), borrowed for one `encode` call so that concurrent
    /// calls never share it; at most `pooledScratchLimit` are kept (about 1 MB each).
    private let scratchPool = Mutex<[EncodeScratch]>([])
    private static let pooledScratchLimit = 16

    public let config: TokenizerConfig
    public let eosTokenId: Int?
    public let padTokenId: Int?
    public let bosTokenId: Int?

    /// Loads `tokenizer.json` and, when present, `tokenizer_config.json` from a checkpoint folder.
    public convenience init(directory: URL) throws {
        let tokenizerFile = directory.appendingPathComponent(TokenizerDefinition.file)
        let configFile = directory.appendingPathComponent(TokenizerConfig.file)
        let configBytes = FileManager.default.fileExists(atPath: configFile.path) ? try Self.read(configFile) : nil
        try self.init(tokenizerJSON: try Self.read(tokenizerFile), configJSON: configBytes)
    }

    public init(tokenizerJSON: [UInt8], configJSON: [UInt8]? = nil) throws {
        let definition = try TokenizerDefinition(json: tokenizerJSON)
        let config = try configJSON.map(TokenizerConfig.init(json:)) ?? TokenizerConfig()
        let vocabulary = Vocabulary(model: definition.vocabulary, added: definition.addedTokens)
        try Self.checkConfigTokens(config, vocabulary)
        self.vocabulary = vocabulary
        self.model = try BPEModel(definition)
        self.normalizer = definition.normalizesNFC ? NFCNormalizer() : nil
        func matcher(normalized: Bool) -> AddedTokenMatcher {
            AddedTokenMatcher(definition.addedTokens.filter { $0.normalized == normalized }.map {
                AddedTokenMatcher.Token(id: $0.id, content: Array($0.content.utf8), lstrip: $0.lstrip, rstrip: $0.rstrip)
            })
        }
        self.rawTokens = matcher(normalized: false)
        self.normalizedTokens = matcher(normalized: true)
        self.config = config
        self.eosTokenId = config.eosToken.flatMap { vocabulary.idsByToken[$0] }
        self.padTokenId = config.padToken.flatMap { vocabulary.idsByToken[$0] }
        self.bosTokenId = config.bosToken.flatMap { vocabulary.idsByToken[$0] }
    }

    private static func read(_ url: URL) throws -> [UInt8] {
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw TokenizerError.fileUnreadable(path: url.path, reason: "no such file")
        }
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw TokenizerError.fileUnreadable(path: url.path, reason: "permission denied or not a regular file")
        }
        return [UInt8](data)
    }

    /// The config must name tokens the tokenizer has; transformers would add unknown ones, which would
    /// change ids behind our back.
    private static func checkConfigTokens(_ config: TokenizerConfig, _ vocabulary: Vocabulary) throws {
        for (field, name) in [("eos_token", config.eosToken), ("pad_token", config.padToken), ("bos_token", config.bosToken)] {
            if let name, vocabulary.idsByToken[name] == nil {
                throw TokenizerError.unsupportedFeature(
                    file: TokenizerConfig.file, feature: "\(field) \"\(name)\", which tokenizer.json does not contain")
            }
        }
        for (id, content) in config.addedTokens.sorted(by: { $0.key < $1.key }) where vocabulary.idsByToken[content] != id {
            throw TokenizerError.unsupportedFeature(
                file: TokenizerConfig.file,
                feature: "added token \(id) \"\(content)\", which tokenizer.json does not have under that id")
        }
    }

    /// Number of ids: one more than the largest id of the vocabulary and the added tokens.
    public var vocabularySize: Int { vocabulary.count }

    public func tokenId(forToken token: String) -> Int? { vocabulary.idsByToken[token] }

    public func token(forId id: Int) -> String? {
        id >= 0 && id < vocabulary.count ? vocabulary.tokens[id] : nil
    }

    /// Whether `id` is a special added token (dropped by `decode(_:skipSpecialTokens: true)`).
    public func isSpecialToken(_ id: Int) -> Bool { vocabulary.isSpecial(id) }

    /// The text of `ids`. Ids that name no token are skipped, and bytes that do not form UTF-8 become
    /// U+FFFD, as in `tokenizers`.
    public func decode(_ ids: [Int], skipSpecialTokens: Bool = false) -> String {
        var bytes = [UInt8]()
        bytes.reserveCapacity(ids.count * 4)
        for id in ids { vocabulary.appendBytes(of: id, skippingSpecial: skipSpecialTokens, to: &bytes) }
        return String(decoding: bytes, as: UTF8.self)
    }

    func appendBytes(of id: Int, skippingSpecial: Bool, to out: inout [UInt8]) {
        vocabulary.appendBytes(of: id, skippingSpecial: skippingSpecial, to: &out)
    }

    public func makeIncrementalDecoder(skipSpecialTokens: Bool = false) -> IncrementalDecoder {
        IncrementalDecoder(tokenizer: self, skipSpecialTokens: skipSpecialTokens)
    }

    /// The token ids of `text`, as `tokenizers`' `encode(text).ids` (this tokenizer adds no BOS/EOS).
    public func encode(_ text: String) -> [Int] {
        var text = text
        return text.withUTF8 { encode(utf8: $0) }
    }

    private func encode(utf8 bytes: UnsafeBufferPointer<UInt8>) -> [Int] {
        var scratch = scratchPool.withLock { $0.popLast() } ?? EncodeScratch()
        defer {
            scratchPool.withLock { pool in
                if pool.count < Self.pooledScratchLimit { pool.append(scratch) }
            }
        }
        var ids = [Int]()
        ids.reserveCapacity(bytes.count / 3 + 1)
        forEachSegment(of: bytes, matcher: rawTokens, ids: &ids) { text, ids in
            if let normalizer, let normalized = normalizer.normalize(text) {
                normalized.withUnsafeBufferPointer { encodeNormalized($0, scratch: &scratch, into: &ids) }
            } else {
                encodeNormalized(text, scratch: &scratch, into: &ids)
            }
        }
        return ids
    }

    private func encodeNormalized(_ bytes: UnsafeBufferPointer<UInt8>, scratch: inout EncodeScratch, into ids: inout [Int]) {
        forEachSegment(of: bytes, matcher: normalizedTokens, ids: &ids) { text, ids in
            preTokenizer.split(text) { range in
                scratch.encodeWord(UnsafeBufferPointer(rebasing: text[range]), model: model, into: &ids)
            }
        }
    }

    /// Appends the ids of the added tokens `matcher` finds, and hands the text between them to `body`.
    private func forEachSegment(
        of bytes: UnsafeBufferPointer<UInt8>, matcher: AddedTokenMatcher, ids: inout [Int],
        _ body: (UnsafeBufferPointer<UInt8>, inout [Int]) -> Void
    ) {
        if matcher.isEmpty {
            if !bytes.isEmpty { body(bytes, &ids) }
            return
        }
        for segment in matcher.segments(bytes) {
            switch segment {
            case .token(let id, _): ids.append(id)
            case .text(let range): body(UnsafeBufferPointer(rebasing: bytes[range]), &ids)
            }
        }
    }
}

/// One encoder's working memory: the word cache and the BPE buffers.
struct EncodeScratch {
    var cache = WordCache()
    var bpe = BPEScratch()
    var wordIds: [UInt32] = []

    mutating func encodeWord(_ word: UnsafeBufferPointer<UInt8>, model: BPEModel, into ids: inout [Int]) {
        if cache.appendCached(word, to: &ids) { return }
        wordIds.removeAll(keepingCapacity: true)
        model.encode(word, scratch: &bpe, into: &wordIds)
        cache.store(word, ids: wordIds[...])
        for id in wordIds { ids.append(Int(id)) }
    }
}
