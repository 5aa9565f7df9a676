import Hummingbird
import VLMJSON

/// `POST /tokenize` and `POST /detokenize` (vLLM's): what the engine would see for a prompt or a
/// conversation (images expanded to their pad tokens), and text for token ids.
struct TokenizeRoutes {
    let state: ServingState

    struct TokenizeRequest: Decodable {
        var model: String?
        var prompt: String?
        var messages: [ChatMessage]?
        var rawMessages: [JSONValue]?
        var addGenerationPrompt: Bool?
        var continueFinalMessage: Bool?
        var addSpecialTokens: Bool?
        var returnTokenStrs: Bool?
        var chatTemplate: String?
        var chatTemplateKwargs: JSONValue?
        var mmProcessorKwargs: JSONValue?

        enum CodingKeys: String, CodingKey {
            case model, prompt, messages
            case addGenerationPrompt = "add_generation_prompt"
            case continueFinalMessage = "continue_final_message"
            case addSpecialTokens = "add_special_tokens"
            case returnTokenStrs = "return_token_strs"
            case chatTemplate = "chat_template"
            case chatTemplateKwargs = "chat_template_kwargs"
            case mmProcessorKwargs = "mm_processor_kwargs"
        }

        init(from decoder: Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            model = try container.decodeIfPresent(String.self, forKey: .model)
            prompt = try container.decodeIfPresent(String.self, forKey: .prompt)
            messages = try container.decodeIfPresent([ChatMessage].self, forKey: .messages)
            rawMessages = try container.decodeIfPresent([JSONValue].self, forKey: .messages)
            addGenerationPrompt = try container.decodeIfPresent(Bool.self, forKey: .addGenerationPrompt)
            continueFinalMessage = try container.decodeIfPresent(Bool.self, forKey: .continueFinalMessage)
            addSpecialTokens = try container.decodeIfPresent(Bool.self, forKey: .addSpecialTokens)
            returnTokenStrs = try container.decodeIfPresent(Bool.self, forKey: .returnTokenStrs)
            chatTemplate = try container.decodeIfPresent(String.self, forKey: .chatTemplate)
            chatTemplateKwargs = try container.decodeIfPresent(JSONValue.self, forKey: .chatTemplateKwargs)
            mmProcessorKwargs = try container.decodeIfPresent(JSONValue.self, forKey: .mmProcessorKwargs)
        }
    }

    struct TokenizeResponse: Encodable {
        var count: Int
        var maxModelLen: Int
        var tokens: [Int]
        @NullEncoded var tokenStrs: [String]?

        enum CodingKeys: String, CodingKey {
            case count
            case maxModelLen = "max_model_len"
            case tokens
            case tokenStrs = "token_strs"
        }
    }

    struct DetokenizeRequest: Decodable {
        var model: String?
        var tokens: [Int]
    }

    struct DetokenizeResponse: Encodable {
        var prompt: String
    }

    func tokenize(_ request: Request) async throws -> Response {
        let body = try await state.decodeBody(TokenizeRequest.self, from: request)
        _ = try state.resolveModel(body.model)
        let prompt: PreparedPrompt
        if let messages = body.messages, let raw = body.rawMessages {
            let input = ChatTemplateInput(
                messages: raw, addGenerationPrompt: body.addGenerationPrompt ?? true,
                continueFinalMessage: body.continueFinalMessage ?? false, chatTemplate: body.chatTemplate,
                templateVariables: body.chatTemplateKwargs?.objectValue ?? JSONObject())
            prompt = try await state.chatPrompt(
                messages: messages, input: input, processorOptions: body.mmProcessorKwargs?.objectValue ?? JSONObject(),
                addSpecialTokens: body.addSpecialTokens ?? false)
        } else if let text = body.prompt {
            let ids = try state.frontendStep { try state.frontend.encode(text, addSpecialTokens: body.addSpecialTokens ?? true) }
            prompt = try state.textPrompt(ids)
        } else {
            throw APIError.badRequest("Give either `prompt` or `messages`.")
        }
        let strings = try body.returnTokenStrs == true
            ? prompt.tokenIds.map { id in try state.frontendStep { try state.frontend.decode([id], skipSpecialTokens: false) } }
            : nil
        return try jsonResponse(TokenizeResponse(
            count: prompt.tokenIds.count, maxModelLen: state.engine.maxModelLen, tokens: prompt.tokenIds, tokenStrs: strings))
    }

    func detokenize(_ request: Request) async throws -> Response {
        let body = try await state.decodeBody(DetokenizeRequest.self, from: request)
        _ = try state.resolveModel(body.model)
        let text = try state.frontendStep { try state.frontend.decode(body.tokens, skipSpecialTokens: false) }
        return try jsonResponse(DetokenizeResponse(prompt: text))
    }
}
