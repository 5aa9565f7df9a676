import VLMChat
import VLMJSON

/// The fields that turn a conversation into a prompt, shared by `/v1/chat/completions` and `/tokenize`
/// (vLLM's chat fields): the messages, how the template renders them, and the processor settings.
struct ConversationFields: Decodable {
    /// Validated by VLMChat (roles, content parts, per-item options); the template sees each message's
    /// own fields.
    var messages: [ChatMessage]
    var addGenerationPrompt: Bool?
    var continueFinalMessage: Bool?
    var addSpecialTokens: Bool?
    var chatTemplate: String?
    var chatTemplateKwargs: JSONValue?
    var mmProcessorKwargs: JSONValue?
    var tools: JSONValue?

    enum CodingKeys: String, CodingKey {
        case messages, tools
        case addGenerationPrompt = "add_generation_prompt"
        case continueFinalMessage = "continue_final_message"
        case addSpecialTokens = "add_special_tokens"
        case chatTemplate = "chat_template"
        case chatTemplateKwargs = "chat_template_kwargs"
        case mmProcessorKwargs = "mm_processor_kwargs"
    }

    init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        do {
            messages = try ChatMessageParser.parse(try container.decode(JSONValue.self, forKey: .messages))
        } catch let error as ChatInputError {
            throw APIError.badRequest(error.message, param: "messages")
        }
        addGenerationPrompt = try container.decodeIfPresent(Bool.self, forKey: .addGenerationPrompt)
        continueFinalMessage = try container.decodeIfPresent(Bool.self, forKey: .continueFinalMessage)
        addSpecialTokens = try container.decodeIfPresent(Bool.self, forKey: .addSpecialTokens)
        chatTemplate = try container.decodeIfPresent(String.self, forKey: .chatTemplate)
        chatTemplateKwargs = try container.decodeIfPresent(JSONValue.self, forKey: .chatTemplateKwargs)
        mmProcessorKwargs = try container.decodeIfPresent(JSONValue.self, forKey: .mmProcessorKwargs)
        tools = try container.decodeIfPresent(JSONValue.self, forKey: .tools)
    }

    /// Present in a body that has `messages` (`/tokenize` also takes a plain `prompt`).
    static func ifPresent(in decoder: Decoder) throws -> ConversationFields? {
        try decoder.container(keyedBy: CodingKeys.self).contains(.messages) ? ConversationFields(from: decoder) : nil
    }

    func validate() throws {
        if chatTemplate != nil {
            // vLLM's default (no --trust-request-chat-template): a request may not run its own template.
            throw APIError.badRequest(
                "Chat template is passed with request, but --trust-request-chat-template is not set. Refused request with untrusted chat template.",
                param: "chat_template")
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

    var renderOptions: ChatRenderOptions {
        var options = ChatRenderOptions()
        options.addGenerationPrompt = addGenerationPrompt ?? true
        options.continueFinalMessage = continueFinalMessage ?? false
        options.tools = tools
        options.templateArguments = chatTemplateKwargs?.objectValue ?? JSONObject()
        return options
    }

    /// The engine's prompt: rendered, tokenized (no special tokens added: the template has them, as in
    /// vLLM), media loaded and their placeholders expanded.
    func prompt(_ state: ServingState) async throws -> PreparedPrompt {
        try validate()
        return try await state.chatPrompt(
            messages: messages, options: renderOptions, processorOptions: mmProcessorKwargs?.objectValue ?? JSONObject(), addSpecialTokens: addSpecialTokens ?? false)
    }
}
