import VLMJSON

/// What a `tokenizer.json` describes, checked against what this implementation does: byte-level BPE,
/// optional NFC, Qwen2's Split regex followed by ByteLevel, the ByteLevel decoder. Anything else is
/// refused with `TokenizerError.unsupportedFeature` naming it, rather than tokenizing differently from
/// Hugging Face.
struct TokenizerDefinition {
    struct AddedToken {
        let id: Int
        let content: String
        let special: Bool
        let normalized: Bool
        let lstrip: Bool
        let rstrip: Bool
    }

    static let file = "tokenizer.json"
    /// Ids index arrays, so a hostile id must not allocate gigabytes; real vocabularies are far smaller.
    static let idLimit = 1 << 24

    /// The model's vocabulary (added tokens are separate).
    var vocabulary: [String: Int] = [:]
    var merges: [(left: String, right: String)] = []
    var ignoreMerges = false
    var addedTokens: [AddedToken] = []
    var normalizesNFC = false

    init(json bytes: [UInt8]) throws {
        let root: JSONValue
        do { root = try JSONParser.parse(bytes) } catch { throw Self.malformed("\(error)") }
        guard let object = root.objectValue else { throw Self.malformed("the top level must be an object") }
        for field in ["truncation", "padding"] where !(object[field]?.isNull ?? true) {
            throw Self.unsupported("\"\(field)\" settings")
        }
        normalizesNFC = try Self.readNormalizer(object["normalizer"])
        try Self.checkPreTokenizer(object["pre_tokenizer"])
        try Self.checkByteLevel(object["decoder"], field: "decoder", allowNull: false)
        try Self.checkByteLevel(object["post_processor"], field: "post_processor", allowNull: true)
        try readModel(object["model"])
        try readAddedTokens(object["added_tokens"])
    }

    private static func malformed(_ reason: String) -> TokenizerError {
        .malformed(file: file, reason: reason)
    }

    private static func unsupported(_ feature: String) -> TokenizerError {
        .unsupportedFeature(file: file, feature: feature)
    }

    private static func typeName(_ value: JSONValue?, field: String) throws -> String {
        guard let type = value?["type"]?.stringValue else { throw malformed("\(field) has no \"type\"") }
        return type
    }

    private static func readNormalizer(_ value: JSONValue?) throws -> Bool {
        guard let value, !value.isNull else { return false }
        let type = try typeName(value, field: "normalizer")
        guard type == "NFC" else { throw unsupported("normalizer \"\(type)\" (only NFC is implemented)") }
        return true
    }

    /// Only Qwen2's: Sequence [Split(its regex, Isolated), ByteLevel(no prefix space, no regex)].
    private static func checkPreTokenizer(_ value: JSONValue?) throws {
        guard let value, !value.isNull else { throw unsupported("no pre_tokenizer (Qwen2's Split + ByteLevel is required)") }
        let type = try typeName(value, field: "pre_tokenizer")
        guard type == "Sequence", let steps = value["pretokenizers"]?.arrayValue else {
            throw unsupported("pre_tokenizer \"\(type)\" (only Qwen2's Sequence of Split and ByteLevel is implemented)")
        }
        let types = try steps.map { try typeName($0, field: "pre_tokenizer step") }
        guard types == ["Split", "ByteLevel"] else {
            throw unsupported("pre_tokenizer steps \(types) (only [Split, ByteLevel] is implemented)")
        }
        let split = steps[0]
        if let string = split["pattern"]?["String"]?.stringValue {
            throw unsupported("a Split pre-tokenizer on the string \"\(string)\" (only Qwen2's regex is implemented)")
        }
        guard let pattern = split["pattern"]?["Regex"]?.stringValue else {
            throw malformed("pre_tokenizer Split has no pattern")
        }
        guard pattern == QwenPreTokenizer.pattern else {
            throw unsupported("the Split regex \"\(pattern)\" (only Qwen2's is implemented)")
        }
        let behavior = split["behavior"]?.stringValue ?? ""
        guard behavior == "Isolated" else { throw unsupported("Split behavior \"\(behavior)\" (only Isolated)") }
        guard split["invert"]?.boolValue != true else { throw unsupported("an inverted Split pre-tokenizer") }
        let byteLevel = steps[1]
        guard byteLevel["add_prefix_space"]?.boolValue != true else { throw unsupported("ByteLevel add_prefix_space") }
        guard byteLevel["use_regex"]?.boolValue == false else { throw unsupported("ByteLevel use_regex (GPT-2's regex)") }
    }

    private static func checkByteLevel(_ value: JSONValue?, field: String, allowNull: Bool) throws {
        guard let value, !value.isNull else {
            if allowNull { return }
            throw unsupported("no \(field) (ByteLevel is required)")
        }
        // As a decoder or post-processor, ByteLevel's options only affect offsets, which we do not produce.
        let type = try typeName(value, field: field)
        guard type == "ByteLevel" else { throw unsupported("\(field) \"\(type)\" (only ByteLevel is implemented)") }
    }

    private mutating func readModel(_ value: JSONValue?) throws {
        guard let model = value?.objectValue else { throw Self.malformed("\"model\" must be an object") }
        let type = model["type"]?.stringValue ?? "BPE"
        guard type == "BPE" else { throw Self.unsupported("model \"\(type)\" (only BPE is implemented)") }
        if let dropout = model["dropout"]?.doubleValue, dropout > 0 { throw Self.unsupported("BPE dropout \(dropout)") }
        if model["byte_fallback"]?.boolValue == true { throw Self.unsupported("BPE byte_fallback") }
        for field in ["continuing_subword_prefix", "end_of_word_suffix"] {
            if let affix = model[field]?.stringValue, !affix.isEmpty { throw Self.unsupported("BPE \(field) \"\(affix)\"") }
        }
        ignoreMerges = model["ignore_merges"]?.boolValue ?? false
        guard let vocab = model["vocab"]?.objectValue else { throw Self.malformed("model.vocab must be an object") }
        vocabulary.reserveCapacity(vocab.count)
        for (token, idValue) in vocab {
            guard let id = idValue.intValue, id >= 0, id < Self.idLimit else {
                throw Self.malformed("model.vocab[\"\(token)\"] must be an integer id from 0 to \(Self.idLimit - 1)")
            }
            vocabulary[token] = id
        }
        guard let mergeList = model["merges"]?.arrayValue else { throw Self.malformed("model.merges must be an array") }
        merges.reserveCapacity(mergeList.count)
        for (index, entry) in mergeList.enumerated() {
            merges.append(try Self.readMerge(entry, index: index))
        }
    }

    /// A merge is written "left right" (older files) or ["left", "right"].
    private static func readMerge(_ entry: JSONValue, index: Int) throws -> (left: String, right: String) {
        if let text = entry.stringValue {
            let parts = text.split(separator: " ", omittingEmptySubsequences: false)
            if parts.count == 2 { return (String(parts[0]), String(parts[1])) }
        } else if let pair = entry.arrayValue, pair.count == 2, let left = pair[0].stringValue, let right = pair[1].stringValue {
            return (left, right)
        }
        throw malformed("model.merges[\(index)] must be \"left right\" or [\"left\", \"right\"]")
    }

    private mutating func readAddedTokens(_ value: JSONValue?) throws {
        guard let value, !value.isNull else { return }
        guard let list = value.arrayValue else { throw Self.malformed("added_tokens must be an array") }
        for (index, entry) in list.enumerated() {
            guard let id = entry["id"]?.intValue, id >= 0, id < Self.idLimit, let content = entry["content"]?.stringValue else {
                throw Self.malformed("added_tokens[\(index)] needs an integer \"id\" from 0 to \(Self.idLimit - 1) and a string \"content\"")
            }
            if entry["single_word"]?.boolValue == true {
                throw Self.unsupported("single_word on the added token \"\(content)\"")
            }
            addedTokens.append(AddedToken(
                id: id, content: content, special: entry["special"]?.boolValue ?? false,
                normalized: entry["normalized"]?.boolValue ?? !(entry["special"]?.boolValue ?? false),
                lstrip: entry["lstrip"]?.boolValue ?? false, rstrip: entry["rstrip"]?.boolValue ?? false))
        }
    }
}
