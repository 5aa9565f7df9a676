import VLMCompute

/// Settings of a single-sequence generation (`vlm generate`).
public struct GenerationSettings: Sendable {
    public var maxTokens: Int
    public var sampling: SamplingSettings
    public var seed: UInt64
    /// Generation stops after any of these (the model's EOS ids by default).
    public var stopTokenIds: Set<Int>

    public init(maxTokens: Int, sampling: SamplingSettings, seed: UInt64, stopTokenIds: Set<Int>) {
        self.maxTokens = maxTokens
        self.sampling = sampling
        self.seed = seed
        self.stopTokenIds = stopTokenIds
    }
}

public struct GenerationResult: Sendable, Equatable {
    public enum FinishReason: String, Sendable { case stop, length }
    /// Generated ids, the stop token included (as vLLM's `token_ids`).
    public var tokenIds: [Int]
    public var promptTokens: Int
    public var finishReason: FinishReason
}

/// Prefill, then sample and decode one token at a time until a stop token or `maxTokens`.
public enum GenerationLoop {
    public static func run(model: VisionLanguageModel, promptTokenIds: [Int], vision: [VisionInput], settings: GenerationSettings,
                           onToken: (Int) throws -> Void = { _ in }) throws -> GenerationResult
    {
        guard settings.maxTokens > 0 else {
            return GenerationResult(tokenIds: [], promptTokens: promptTokenIds.count, finishReason: .length)
        }
        let runner = try SequenceRunner(model: model, promptTokenIds: promptTokenIds, vision: vision,
                                        capacity: promptTokenIds.count + settings.maxTokens)
        var sampler = TokenSampler(seed: settings.seed)
        var logits = try runner.prefill()
        var tokens: [Int] = []
        while true {
            let token = sampler.sample(logits, settings: settings.sampling)
            tokens.append(token)
            try onToken(token)
            if settings.stopTokenIds.contains(token) {
                return GenerationResult(tokenIds: tokens, promptTokens: promptTokenIds.count, finishReason: .stop)
            }
            if tokens.count == settings.maxTokens {
                return GenerationResult(tokenIds: tokens, promptTokens: promptTokenIds.count, finishReason: .length)
            }
            logits = try runner.decode(token)
        }
    }
}
