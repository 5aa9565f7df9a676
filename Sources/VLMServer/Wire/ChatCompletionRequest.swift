import VLMJSON

/// Body of `POST /v1/chat/completions` (OpenAI's fields plus vLLM's extras).
struct ChatCompletionRequest: Decodable {
    var fields: GenerationFields
    var messages: [ChatMessage]
    /// The messages exactly as sent, for the chat template.
    var rawMessages: [JSONValue]
    var logprobs: Bool?
    var topLogprobs: Int?
    var maxCompletionTokens: Int?
    var addGenerationPrompt: Bool?
    var continueFinalMessage: Bool?
    var chatTemplate: String?
    var chatTemplateKwargs: JSONValue?
    var mmProcessorKwargs: JSONValue?
    var tools: JSONValue?
    var toolChoice: JSONValue?

    enum CodingKeys: String, CodingKey {
        case messages, logprobs, tools
        case topLogprobs = "top_logprobs"
        case maxCompletionTokens = "max_completion_tokens"
        case addGenerationPrompt = "add_generation_prompt"
        case continueFinalMessage = "continue_final_message"
        case chatTemplate = "chat_template"
        case chatTemplateKwargs = "chat_template_kwargs"
        case mmProcessorKwargs = "mm_processor_kwargs"
        case toolChoice = "tool_choice"
    }

    init(from decoder: Decoder) throws {
        fields = try GenerationFields(from: decoder)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        messages = try container.decode([ChatMessage].self, forKey: .messages)
        rawMessages = try container.decode([JSONValue].self, forKey: .messages)
        logprobs = try container.decodeIfPresent(Bool.self, forKey: .logprobs)
        topLogprobs = try container.decodeIfPresent(Int.self, forKey: .topLogprobs)
        maxCompletionTokens = try container.decodeIfPresent(Int.self, forKey: .maxCompletionTokens)
        addGenerationPrompt = try container.decodeIfPresent(Bool.self, forKey: .addGenerationPrompt)
        continueFinalMessage = try container.decodeIfPresent(Bool.self, forKey: .continueFinalMessage)
        chatTemplate = try container.decodeIfPresent(String.self, forKey: .chatTemplate)
        chatTemplateKwargs = try container.decodeIfPresent(JSONValue.self, forKey: .chatTemplateKwargs)
        mmProcessorKwargs = try container.decodeIfPresent(JSONValue.self, forKey: .mmProcessorKwargs)
        tools = try container.decodeIfPresent(JSONValue.self, forKey: .tools)
        toolChoice = try container.decodeIfPresent(JSONValue.self, forKey: .toolChoice)
    }

    func validate() throws {
        try fields.validate()
        if messages.isEmpty {
            throw APIError.badRequest("`messages` must contain at least one message.", param: "messages")
        }
        if topLogprobs != nil && topLogprobs != 0 && logprobs != true {
            throw APIError.badRequest("`top_logprobs` needs `logprobs` set to true.", param: "top_logprobs")
        }
        if continueFinalMessage == true && addGenerationPrompt != false {
            throw APIError.badRequest("Cannot set both `continue_final_message` and `add_generation_prompt` to True.")
        }
        for (name, value) in [("chat_template_kwargs", chatTemplateKwargs), ("mm_processor_kwargs", mmProcessorKwargs)] {
            if let value, !value.isNull, value.objectValue == nil {
                throw APIError.badRequest("`\(name)` must be an object, not \(value.typeName).", param: name)
            }
        }
    }

    /// Logprobs per token the engine should return: nil when not asked for.
    var requestedLogprobs: Int? { logprobs == true ? (topLogprobs ?? 0) : nil }
}
