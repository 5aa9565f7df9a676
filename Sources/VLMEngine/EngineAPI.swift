// The engine's public surface: what the server and the CLI hand in and get back. Plain value types, no
// JSON and no tensors (the server converts wire types at its edge; vision patches travel as Float arrays).

/// Sampling and stopping rules for one request (vLLM's SamplingParams; defaults as in vLLM).
public struct SamplingParams: Sendable, Equatable {
    public var n: Int = 1
    public var temperature: Double = 1.0
    public var topP: Double = 1.0
    /// 0 or -1: off.
    public var topK: Int = 0
    public var minP: Double = 0
    public var repetitionPenalty: Double = 1.0
    public var presencePenalty: Double = 0
    public var frequencyPenalty: Double = 0
    /// Per-request seed: the same seed gives the same tokens whatever else is in the batch.
    public var seed: UInt64?
    /// nil: as many tokens as fit in max_model_len.
    public var maxTokens: Int?
    public var minTokens: Int = 0
    public var stop: [String] = []
    public var stopTokenIds: [Int] = []
    public var includeStopStrInOutput = false
    public var ignoreEOS = false
    public var skipSpecialTokens = true
    /// Number of top log-probabilities to return per generated token; nil: none.
    public var logprobs: Int?

    public init() {}
}

/// One image or video, already preprocessed: patches `[rows, 1176]` row-major and its grid.
public struct VisionItem: Sendable {
    public enum Kind: String, Sendable { case image, video }
    public var kind: Kind
    public var patches: [Float]
    /// (t, h, w) in patches; the item takes t·h·w/4 placeholder tokens.
    public var grid: (t: Int, h: Int, w: Int)
    /// Identifies the content (encoded bytes and processing), for prefix and encoder caching.
    public var contentHash: String
    /// Qwen2.5-VL videos: seconds per temporal grid step (2 / fps); 0 for images.
    public var secondPerGrid: Double

    public init(kind: Kind, patches: [Float], grid: (t: Int, h: Int, w: Int), contentHash: String, secondPerGrid: Double = 0) {
        self.kind = kind
        self.patches = patches
        self.grid = grid
        self.contentHash = contentHash
        self.secondPerGrid = secondPerGrid
    }

    public var tokenCount: Int { grid.t * grid.h * grid.w / 4 }
}

/// A request as the engine sees it: prompt token ids with every vision placeholder already expanded
/// to `tokenCount` pad tokens, the vision items in prompt order, and how to sample.
public struct EngineRequest: Sendable {
    public var id: String
    public var promptTokenIds: [Int]
    public var visionItems: [VisionItem]
    public var sampling: SamplingParams
    /// Lower runs first (vLLM's `priority`); ties are first come, first served.
    public var priority: Int

    public init(id: String, promptTokenIds: [Int], visionItems: [VisionItem] = [], sampling: SamplingParams = SamplingParams(), priority: Int = 0) {
        self.id = id
        self.promptTokenIds = promptTokenIds
        self.visionItems = visionItems
        self.sampling = sampling
        self.priority = priority
    }
}

public enum FinishReason: String, Sendable, Equatable {
    /// EOS, a stop token or a stop string.
    case stop
    /// max_tokens or max_model_len reached.
    case length
    /// Aborted (client gone, shutdown).
    case abort
}

/// Log-probabilities of one generated token.
public struct TokenLogprob: Sendable, Equatable {
    public var tokenId: Int
    public var logprob: Float
    /// The most likely tokens at this step, best first (as many as requested).
    public var top: [(tokenId: Int, logprob: Float)]

    public init(tokenId: Int, logprob: Float, top: [(tokenId: Int, logprob: Float)]) {
        self.tokenId = tokenId
        self.logprob = logprob
        self.top = top
    }

    public static func == (a: TokenLogprob, b: TokenLogprob) -> Bool {
        a.tokenId == b.tokenId && a.logprob == b.logprob && a.top.map(\.tokenId) == b.top.map(\.tokenId)
            && a.top.map(\.logprob) == b.top.map(\.logprob)
    }
}

/// A delta for one choice of one request: the tokens generated since the last output, their text
/// (incremental detokenization, stop strings already applied), and at the end the finish reason.
public struct RequestOutput: Sendable {
    public var requestId: String
    /// 0..<n.
    public var choiceIndex: Int
    public var newTokenIds: [Int]
    public var text: String
    public var logprobs: [TokenLogprob]
    public var finishReason: FinishReason?
    /// The stop string that ended the choice, if any (vLLM's `stop_reason` when it is a string).
    public var stopReason: String?
    /// The stop token id that ended the choice (vLLM's `stop_reason` when it is an int): one of
    /// `stop_token_ids` or an EOS id of generation_config.json other than the tokenizer's EOS.
    public var stopTokenId: Int?
    public var promptTokens: Int
    /// Generated tokens of this choice so far.
    public var completionTokens: Int
    /// Prompt tokens served from the prefix cache (reported as `cached_tokens`).
    public var cachedPromptTokens: Int

    public init(requestId: String, choiceIndex: Int, newTokenIds: [Int], text: String, logprobs: [TokenLogprob] = [],
                finishReason: FinishReason? = nil, stopReason: String? = nil, promptTokens: Int, completionTokens: Int,
                cachedPromptTokens: Int = 0, stopTokenId: Int? = nil)
    {
        self.requestId = requestId
        self.choiceIndex = choiceIndex
        self.newTokenIds = newTokenIds
        self.text = text
        self.logprobs = logprobs
        self.finishReason = finishReason
        self.stopReason = stopReason
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.cachedPromptTokens = cachedPromptTokens
        self.stopTokenId = stopTokenId
    }
}

/// Why the engine refused a request before queueing it; the server maps each to a 400 with this text.
public enum EngineValidationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// vLLM's wording: prompt + max_tokens over max_model_len.
    case contextTooLong(maxModelLen: Int, requested: Int, promptTokens: Int, completionTokens: Int)
    case promptTooLong(maxModelLen: Int, promptTokens: Int)
    case tooManyItems(kind: VisionItem.Kind, limit: Int, given: Int)
    case invalidSampling(parameter: String, reason: String)
    /// The prompt, its vision items or the request id cannot be served (the reason says why).
    case invalidRequest(reason: String)

    public var description: String {
        switch self {
        case let .contextTooLong(maxModelLen, requested, prompt, completion):
            return "This model's maximum context length is \(maxModelLen) tokens. However, you requested \(requested) tokens (\(prompt) in the messages, \(completion) in the completion). Please reduce the length of the messages or completion."
        case let .promptTooLong(maxModelLen, prompt):
            return "This model's maximum context length is \(maxModelLen) tokens. However, your prompt has \(prompt) tokens. Please reduce the length of the messages or raise --max-model-len."
        case let .tooManyItems(kind, limit, given):
            return "At most \(limit) \(kind.rawValue)(s) may be provided in one prompt; this one has \(given). Raise the limit with --limit-mm-per-prompt '{\"\(kind.rawValue)\": \(given)}'."
        case let .invalidSampling(parameter, reason):
            return "\(parameter) \(reason)"
        case let .invalidRequest(reason):
            return reason
        }
    }
}

/// What the server needs from an engine. `VLMEngine`'s engine conforms; tests may use a fake.
public protocol GenerationEngine: AnyObject, Sendable {
    /// Validates and queues the request; outputs stream until every choice has a finish reason.
    /// Throws `EngineValidationError` before anything is queued.
    func submit(_ request: EngineRequest) throws -> AsyncThrowingStream<RequestOutput, Error>
    /// Stops a request and frees its KV blocks; its stream ends with finish reason `abort`.
    func abort(requestId: String)
    /// False once the engine loop has failed; the server then answers /health with 503.
    var isHealthy: Bool { get }
    var maxModelLen: Int { get }
}
