import VLMJSON

/// The parts of `tokenizer_config.json` (transformers' side of the tokenizer) that matter here: the
/// special-token names, the model's context length, and the chat template when it is stored there.
public struct TokenizerConfig: Sendable, Equatable {
    static let file = "tokenizer_config.json"

    public var eosToken: String?
    public var padToken: String?
    public var bosToken: String?
    public var modelMaxLength: Int?
    /// The `chat_template` string, when the file has one (a list of named templates is not read).
    public var chatTemplate: String?
    /// `added_tokens_decoder`: id → content.
    var addedTokens: [Int: String] = [:]

    public init() {}

    init(json bytes: [UInt8]) throws {
        let root: JSONValue
        do { root = try JSONParser.parse(bytes) } catch { throw Self.malformed("\(error)") }
        guard let object = root.objectValue else { throw Self.malformed("the top level must be an object") }
        eosToken = try Self.tokenName(object["eos_token"], field: "eos_token")
        padToken = try Self.tokenName(object["pad_token"], field: "pad_token")
        bosToken = try Self.tokenName(object["bos_token"], field: "bos_token")
        // transformers writes 1e30 for "no limit"; that is no length at all.
        modelMaxLength = object["model_max_length"]?.intValue
        chatTemplate = object["chat_template"]?.stringValue
        if let decoder = object["added_tokens_decoder"] {
            guard let entries = decoder.objectValue else { throw Self.malformed("added_tokens_decoder must be an object") }
            for (key, entry) in entries {
                guard let id = Int(key), let content = entry["content"]?.stringValue else {
                    throw Self.malformed("added_tokens_decoder[\"\(key)\"] needs an integer key and a \"content\"")
                }
                addedTokens[id] = content
            }
        }
    }

    private static func malformed(_ reason: String) -> TokenizerError {
        .malformed(file: file, reason: reason)
    }

    /// A special token is written as its text, as an AddedToken object with "content", or null.
    private static func tokenName(_ value: JSONValue?, field: String) throws -> String? {
        guard let value, !value.isNull else { return nil }
        if let text = value.stringValue { return text }
        if let content = value["content"]?.stringValue { return content }
        throw malformed("\(field) must be a string, an object with \"content\", or null")
    }
}
