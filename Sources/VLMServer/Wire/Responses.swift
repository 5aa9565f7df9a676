import VLMEngine
import VLMJSON

/// The envelope every generation answer shares, full or streamed, chat or text: vLLM's field order.
struct ResponseEnvelope<Choice: Encodable & Sendable>: Encodable, Sendable {
    var id: String
    var object: String
    var created: Int
    var model: String
    var choices: [Choice]
    /// Left out of streamed chunks unless usage is asked for.
    var usage: Usage?
}

struct Usage: Encodable, Sendable, Equatable {
    var promptTokens: Int
    var totalTokens: Int
    var completionTokens: Int
    var promptTokensDetails: PromptTokensDetails?

    /// Prompt tokens served from the prefix cache, and how many prompt tokens are images / videos:
    /// OpenAI's `image_tokens` (which its SDK types) and vLLM's `multimodal_tokens` by kind.
    struct PromptTokensDetails: Encodable, Sendable, Equatable {
        var cachedTokens: Int
        var imageTokens: Int?
        /// `{"image": N, "video": M}`, kinds with no tokens left out.
        var multimodalTokens: JSONValue?

        enum CodingKeys: String, CodingKey {
            case cachedTokens = "cached_tokens"
            case imageTokens = "image_tokens"
            case multimodalTokens = "multimodal_tokens"
        }
    }

    enum CodingKeys: String, CodingKey {
        case promptTokens = "prompt_tokens"
        case totalTokens = "total_tokens"
        case completionTokens = "completion_tokens"
        case promptTokensDetails = "prompt_tokens_details"
    }

    init(prompt: Int, completion: Int, cached: Int, imageTokens: Int, videoTokens: Int) {
        promptTokens = prompt
        completionTokens = completion
        totalTokens = prompt + completion
        var multimodal = JSONObject()
        if imageTokens > 0 { multimodal["image"] = .int(imageTokens) }
        if videoTokens > 0 { multimodal["video"] = .int(videoTokens) }
        promptTokensDetails = PromptTokensDetails(
            cachedTokens: cached, imageTokens: imageTokens > 0 ? imageTokens : nil, multimodalTokens: multimodal.isEmpty ? nil : .object(multimodal))
    }
}

/// A choice of a full chat answer.
struct ChatChoice: Encodable, Sendable {
    var index: Int
    var message: Message
    @NullEncoded var logprobs: ChatLogprobs?
    var finishReason: String
    @NullEncoded var stopReason: JSONValue?

    struct Message: Encodable, Sendable {
        var role: String
        var content: String
        var toolCalls: [JSONValue] = []

        enum CodingKeys: String, CodingKey {
            case role, content
            case toolCalls = "tool_calls"
        }
    }

    enum CodingKeys: String, CodingKey {
        case index, message, logprobs
        case finishReason = "finish_reason"
        case stopReason = "stop_reason"
    }
}

/// A choice of a streamed chat chunk; `stop_reason` appears only on the chunk that finishes the choice.
struct ChatChunkChoice: Encodable, Sendable {
    var index: Int
    var delta: Delta
    var logprobs: ChatLogprobs?
    var finishReason: String?
    var stopReason: JSONValue?

    struct Delta: Encodable, Sendable {
        var role: String?
        var content: String?
    }

    enum CodingKeys: String, CodingKey {
        case index, delta, logprobs
        case finishReason = "finish_reason"
        case stopReason = "stop_reason"
    }

    func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(index, forKey: .index)
        try container.encode(delta, forKey: .delta)
        try container.encode(NullEncoded(wrappedValue: logprobs), forKey: .logprobs)
        try container.encode(NullEncoded(wrappedValue: finishReason), forKey: .finishReason)
        if finishReason != nil { try container.encode(NullEncoded(wrappedValue: stopReason), forKey: .stopReason) }
    }
}

/// A choice of a text completion, full or streamed.
struct CompletionChoice: Encodable, Sendable {
    var index: Int
    var text: String
    @NullEncoded var logprobs: CompletionLogprobs?
    @NullEncoded var finishReason: String?
    @NullEncoded var stopReason: JSONValue?

    enum CodingKeys: String, CodingKey {
        case index, text, logprobs
        case finishReason = "finish_reason"
        case stopReason = "stop_reason"
    }
}

extension RequestOutput {
    /// vLLM's `stop_reason`: the stop string, or the stop token id as a number; null for EOS and length.
    var wireStopReason: JSONValue? {
        if let stopTokenId { return .int(stopTokenId) }
        return stopReason.map(JSONValue.string)
    }
}
