import Hummingbird
import VLMJSON

/// `POST /tokenize` and `POST /detokenize` (vLLM's): what the engine would see for a prompt or a
/// conversation (images expanded to their pad tokens), and text for token ids.
struct TokenizeRoutes {
    let state: ServingState

    /// `prompt` (with `add_special_tokens`, default true) or a conversation (`messages` and the chat fields).
    struct TokenizeRequest: Decodable {
        var model: String?
        var prompt: String?
        var conversation: ConversationFields?
        var addSpecialTokens: Bool?
        var returnTokenStrs: Bool?

        enum CodingKeys: String, CodingKey {
            case model, prompt
            case addSpecialTokens = "add_special_tokens"
            case returnTokenStrs = "return_token_strs"
        }

        init(from decoder: Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            model = try container.decodeIfPresent(String.self, forKey: .model)
            prompt = try container.decodeIfPresent(String.self, forKey: .prompt)
            conversation = try ConversationFields.ifPresent(in: decoder)
            addSpecialTokens = try container.decodeIfPresent(Bool.self, forKey: .addSpecialTokens)
            returnTokenStrs = try container.decodeIfPresent(Bool.self, forKey: .returnTokenStrs)
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
        if let conversation = body.conversation {
            prompt = try await conversation.prompt(state)
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
