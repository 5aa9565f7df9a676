/// Body of `POST /v1/chat/completions` (OpenAI's fields plus vLLM's extras).
struct ChatCompletionRequest: GenerationBody {
    var fields: GenerationFields
    var conversation: ConversationFields
    var logprobs: Bool?
    var topLogprobs: Int?
    var maxCompletionTokens: Int?

    enum CodingKeys: String, CodingKey {
        case logprobs
        case topLogprobs = "top_logprobs"
        case maxCompletionTokens = "max_completion_tokens"
    }

    init(from decoder: Decoder) throws {
        fields = try GenerationFields(from: decoder)
        conversation = try ConversationFields(from: decoder)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        logprobs = try container.decodeIfPresent(Bool.self, forKey: .logprobs)
        topLogprobs = try container.decodeIfPresent(Int.self, forKey: .topLogprobs)
        maxCompletionTokens = try container.decodeIfPresent(Int.self, forKey: .maxCompletionTokens)
    }

    func validate() throws {
        try fields.validate()
        try conversation.validate()
        if topLogprobs != nil && topLogprobs != 0 && logprobs != true {
            throw APIError.badRequest("`top_logprobs` needs `logprobs` set to true.", param: "top_logprobs")
        }
    }

    /// Logprobs per token the engine should return: nil when not asked for.
    var requestedLogprobs: Int? { logprobs == true ? (topLogprobs ?? 0) : nil }
}
