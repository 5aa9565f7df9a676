import VLMJSON

/// Body of `POST /v1/completions`: a plain prompt (string, list of strings, token ids, or lists of
/// token ids) continued by the model.
struct CompletionRequest: GenerationBody {
    var fields: GenerationFields
    var prompts: [Prompt]
    var logprobs: Int?
    var suffix: String?
    var addSpecialTokens: Bool?

    enum Prompt: Equatable {
        case text(String)
        case tokenIds([Int])
    }

    enum CodingKeys: String, CodingKey {
        case prompt, logprobs, suffix
        case addSpecialTokens = "add_special_tokens"
    }

    init(from decoder: Decoder) throws {
        fields = try GenerationFields(from: decoder)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        logprobs = try container.decodeIfPresent(Int.self, forKey: .logprobs)
        suffix = try container.decodeIfPresent(String.self, forKey: .suffix)
        addSpecialTokens = try container.decodeIfPresent(Bool.self, forKey: .addSpecialTokens)
        if let text = try? container.decode(String.self, forKey: .prompt) {
            prompts = [.text(text)]
        } else if let texts = try? container.decode([String].self, forKey: .prompt) {
            prompts = texts.map(Prompt.text)
        } else if let ids = try? container.decode([Int].self, forKey: .prompt) {
            prompts = [.tokenIds(ids)]
        } else if let lists = try? container.decode([[Int]].self, forKey: .prompt) {
            prompts = lists.map(Prompt.tokenIds)
        } else if container.contains(.prompt) {
            throw DecodingError.typeMismatch(
                [String].self, .init(codingPath: [CodingKeys.prompt],
                                     debugDescription: "expected a string, a list of strings, a list of token ids or a list of such lists"))
        } else {
            throw DecodingError.keyNotFound(CodingKeys.prompt, .init(codingPath: [], debugDescription: "field required"))
        }
    }

    var requestedLogprobs: Int? { logprobs }

    func validate() throws {
        try fields.validate()
        if prompts.isEmpty || prompts.contains(.text("")) || prompts.contains(.tokenIds([])) {
            throw APIError.badRequest("Prompt cannot be empty.", param: "prompt")
        }
        if suffix != nil {
            throw APIError.badRequest("`suffix` is not supported by this server.", param: "suffix")
        }
    }
}
