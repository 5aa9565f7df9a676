import VLMEngine
import VLMJSON

/// Request fields that `/v1/chat/completions` and `/v1/completions` share: OpenAI's sampling fields and
/// the vLLM extras users rely on. Each request type decodes these from its own body, then adds its own.
struct GenerationFields: Decodable {
    var model: String?
    var n: Int?
    var stream: Bool?
    var streamOptions: StreamOptions?
    var maxTokens: Int?
    var temperature: Double?
    var topP: Double?
    var topK: Int?
    var minP: Double?
    var presencePenalty: Double?
    var frequencyPenalty: Double?
    var repetitionPenalty: Double?
    var seed: Int?
    var stop: StopStrings?
    var stopTokenIds: [Int]?
    var ignoreEos: Bool?
    var minTokens: Int?
    var includeStopStrInOutput: Bool?
    var skipSpecialTokens: Bool?
    var echo: Bool?
    var logitBias: JSONValue?
    var responseFormat: ResponseFormat?
    var requestId: String?
    var priority: Int?
    var user: String?

    enum CodingKeys: String, CodingKey {
        case model, n, stream, temperature, seed, stop, echo, priority, user
        case streamOptions = "stream_options"
        case maxTokens = "max_tokens"
        case topP = "top_p"
        case topK = "top_k"
        case minP = "min_p"
        case presencePenalty = "presence_penalty"
        case frequencyPenalty = "frequency_penalty"
        case repetitionPenalty = "repetition_penalty"
        case stopTokenIds = "stop_token_ids"
        case ignoreEos = "ignore_eos"
        case minTokens = "min_tokens"
        case includeStopStrInOutput = "include_stop_str_in_output"
        case skipSpecialTokens = "skip_special_tokens"
        case logitBias = "logit_bias"
        case responseFormat = "response_format"
        case requestId = "request_id"
    }

    struct StreamOptions: Decodable {
        var includeUsage: Bool?
        var continuousUsageStats: Bool?

        enum CodingKeys: String, CodingKey {
            case includeUsage = "include_usage"
            case continuousUsageStats = "continuous_usage_stats"
        }
    }

    struct ResponseFormat: Decodable {
        var type: String
    }

    /// `stop` is a string or a list of strings.
    struct StopStrings: Decodable {
        var values: [String]

        init(from decoder: Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let single = try? container.decode(String.self) {
                values = [single]
            } else if let list = try? container.decode([String].self) {
                values = list
            } else {
                throw DecodingError.typeMismatch(
                    [String].self, .init(codingPath: decoder.codingPath, debugDescription: "expected a string or a list of strings"))
            }
        }
    }

    /// Checks what only the wire knows; value ranges are the engine's to judge.
    func validate() throws {
        if streamOptions != nil && stream != true {
            throw APIError.badRequest("Stream options can only be defined when `stream=True`.", param: "stream_options")
        }
        if let logitBias, logitBias.objectValue?.isEmpty == false {
            throw APIError.badRequest("`logit_bias` is not supported by this server.", param: "logit_bias")
        }
        if let responseFormat, responseFormat.type != "text" {
            throw APIError.badRequest(
                "`response_format` of type \(responseFormat.type) is not supported by this server (structured output is not implemented).",
                param: "response_format")
        }
    }

    var includeUsage: Bool { streamOptions?.includeUsage ?? false }
    var continuousUsage: Bool { includeUsage && (streamOptions?.continuousUsageStats ?? false) }

    /// Engine sampling parameters: the request's values over `defaults` (vLLM's, or the checkpoint's
    /// generation_config.json under `--generation-config auto`).
    func samplingParams(defaults: SamplingParams, maxTokens requestedMax: Int?, logprobs: Int?) -> SamplingParams {
        var params = defaults
        params.n = n ?? 1
        params.temperature = temperature ?? defaults.temperature
        params.topP = topP ?? defaults.topP
        params.topK = topK ?? defaults.topK
        params.minP = minP ?? defaults.minP
        params.repetitionPenalty = repetitionPenalty ?? defaults.repetitionPenalty
        params.presencePenalty = presencePenalty ?? defaults.presencePenalty
        params.frequencyPenalty = frequencyPenalty ?? defaults.frequencyPenalty
        // A negative seed keeps its bits, so each distinct seed stays distinct.
        params.seed = seed.map { UInt64(bitPattern: Int64($0)) }
        params.maxTokens = requestedMax ?? defaults.maxTokens
        params.minTokens = minTokens ?? defaults.minTokens
        params.stop = stop?.values ?? []
        params.stopTokenIds = stopTokenIds ?? []
        params.includeStopStrInOutput = includeStopStrInOutput ?? false
        params.ignoreEOS = ignoreEos ?? false
        params.skipSpecialTokens = skipSpecialTokens ?? true
        params.logprobs = logprobs
        return params
    }
}
