// Checks a request before anything is queued, with vLLM's messages where vLLM has one: the prompt and
// its vision placeholders, the item limits, the context length, and every sampling value.

import VLMJSON

struct RequestValidator {
    /// Floats per patch row: 3 channels × 2 frames × 14 × 14 pixels (facts §4.1).
    static let patchRowWidth = 1176

    let config: EngineConfig
    let vocabSize: Int

    /// Returns the vision items placed on their placeholder tokens.
    func validate(_ request: EngineRequest) throws -> [PlacedVisionItem] {
        let prompt = request.promptTokenIds
        guard !prompt.isEmpty else { throw EngineValidationError.invalidRequest(reason: "The prompt cannot be empty.") }
        if let index = prompt.firstIndex(where: { $0 < 0 || $0 >= vocabSize }) {
            throw EngineValidationError.invalidRequest(
                reason: "Token id \(prompt[index]) at position \(index) is outside the vocabulary (0..<\(vocabSize)).")
        }
        try checkItemCounts(request.visionItems)
        for item in request.visionItems { try checkShape(item) }
        let placed = try place(request.visionItems, in: prompt)
        try checkLength(promptTokens: prompt.count, maxTokens: request.sampling.maxTokens)
        try checkSampling(request.sampling)
        if config.schedulingPolicy == .fcfs && request.priority != 0 {
            throw EngineValidationError.invalidRequest(
                reason: "Got priority \(request.priority) but priority scheduling is not enabled (--scheduling-policy priority).")
        }
        return placed
    }

    private func checkItemCounts(_ items: [VisionItem]) throws {
        for kind in [VisionItem.Kind.image, .video] {
            let given = items.filter { $0.kind == kind }.count
            if let limit = config.limitMMPerPrompt[kind], given > limit {
                throw EngineValidationError.tooManyItems(kind: kind, limit: limit, given: given)
            }
        }
    }

    private func checkShape(_ item: VisionItem) throws {
        let (t, h, w) = item.grid
        guard t >= 1, h >= 2, w >= 2, h % 2 == 0, w % 2 == 0 else {
            throw EngineValidationError.invalidRequest(
                reason: "\(Self.named(item.kind)) grid must have t ≥ 1 and even h, w ≥ 2; got (\(t), \(h), \(w)).")
        }
        guard item.tokenCount <= config.maxVisionItemTokens else {
            throw EngineValidationError.invalidRequest(
                reason: "\(Self.named(item.kind)) of \(item.tokenCount) tokens exceeds the largest allowed, \(config.maxVisionItemTokens); lower max_pixels.")
        }
        let rows = t * h * w
        guard item.patches.count == rows * Self.patchRowWidth else {
            throw EngineValidationError.invalidRequest(
                reason: "\(Self.named(item.kind)) with grid (\(t), \(h), \(w)) needs \(rows) × \(Self.patchRowWidth) patch values; got \(item.patches.count).")
        }
    }

    private static func named(_ kind: VisionItem.Kind) -> String { kind == .image ? "An image" : "A video" }

    /// Each item takes the next run of `tokenCount` pad tokens of its kind, in prompt order.
    private func place(_ items: [VisionItem], in prompt: [Int]) throws -> [PlacedVisionItem] {
        var placed: [PlacedVisionItem] = []
        var index = 0
        while index < prompt.count {
            let token = prompt[index]
            guard token == config.imageTokenId || token == config.videoTokenId else {
                index += 1
                continue
            }
            let kind: VisionItem.Kind = token == config.imageTokenId ? .image : .video
            guard placed.count < items.count else {
                throw EngineValidationError.invalidRequest(
                    reason: "The prompt has more \(kind.rawValue) placeholder tokens than the \(items.count) vision item(s) given.")
            }
            let item = items[placed.count]
            let end = index + item.tokenCount
            guard item.kind == kind, end <= prompt.count, prompt[index..<end].allSatisfy({ $0 == token }) else {
                throw EngineValidationError.invalidRequest(
                    reason: "Vision item \(placed.count) (\(item.kind.rawValue), \(item.tokenCount) tokens) does not match the placeholder tokens at position \(index).")
            }
            placed.append(PlacedVisionItem(item: item, offset: index))
            index = end
        }
        guard placed.count == items.count else {
            throw EngineValidationError.invalidRequest(
                reason: "\(items.count) vision item(s) were given but the prompt has placeholders for \(placed.count).")
        }
        return placed
    }

    private func checkLength(promptTokens: Int, maxTokens: Int?) throws {
        guard promptTokens < config.maxModelLen else {
            throw EngineValidationError.promptTooLong(maxModelLen: config.maxModelLen, promptTokens: promptTokens)
        }
        if let maxTokens, promptTokens + maxTokens > config.maxModelLen {
            throw EngineValidationError.contextTooLong(maxModelLen: config.maxModelLen, requested: promptTokens + maxTokens,
                                                       promptTokens: promptTokens, completionTokens: maxTokens)
        }
    }

    /// vLLM's SamplingParams._verify_args and _validate_logprobs, plus finiteness and an upper bound on n.
    private func checkSampling(_ s: SamplingParams) throws {
        func fail(_ parameter: String, _ reason: String) -> EngineValidationError {
            .invalidSampling(parameter: parameter, reason: reason)
        }
        func repr(_ value: Double) -> String { pythonFloatRepr(value) }
        guard s.n >= 1 else { throw fail("n", "must be at least 1, got \(s.n).") }
        guard s.n <= config.maxNumSeqs else { throw fail("n", "must be at most --max-num-seqs (\(config.maxNumSeqs)), got \(s.n).") }
        guard (-2.0...2.0).contains(s.presencePenalty) else { throw fail("presence_penalty", "must be in [-2, 2], got \(repr(s.presencePenalty)).") }
        guard (-2.0...2.0).contains(s.frequencyPenalty) else { throw fail("frequency_penalty", "must be in [-2, 2], got \(repr(s.frequencyPenalty)).") }
        guard s.repetitionPenalty.isFinite else { throw fail("repetition_penalty", "must be a finite number, got \(repr(s.repetitionPenalty)).") }
        guard s.repetitionPenalty > 0 else { throw fail("repetition_penalty", "must be greater than zero, got \(repr(s.repetitionPenalty)).") }
        guard s.temperature.isFinite else { throw fail("temperature", "must be a finite number, got \(repr(s.temperature)).") }
        guard s.temperature >= 0 else { throw fail("temperature", "must be non-negative, got \(repr(s.temperature)).") }
        guard s.topP > 0 && s.topP <= 1 else { throw fail("top_p", "must be in (0, 1], got \(repr(s.topP)).") }
        guard s.topK >= -1 else { throw fail("top_k", "must be 0 (disable), or at least 1, got \(s.topK).") }
        guard (0.0...1.0).contains(s.minP) else { throw fail("min_p", "must be in [0, 1], got \(repr(s.minP)).") }
        if let maxTokens = s.maxTokens, maxTokens < 1 { throw fail("max_tokens", "must be at least 1, got \(maxTokens).") }
        guard s.minTokens >= 0 else { throw fail("min_tokens", "must be greater than or equal to 0, got \(s.minTokens).") }
        if let maxTokens = s.maxTokens, s.minTokens > maxTokens {
            throw fail("min_tokens", "must be less than or equal to max_tokens=\(maxTokens), got \(s.minTokens).")
        }
        if let logprobs = s.logprobs {
            guard logprobs >= 0 else { throw fail("logprobs", "must be non-negative, got \(logprobs).") }
            guard logprobs <= config.maxLogprobs else {
                throw fail("logprobs", "requested \(logprobs), which is greater than max allowed: \(config.maxLogprobs) (--max-logprobs).")
            }
        }
        guard !s.stop.contains("") else { throw fail("stop", "cannot contain an empty string.") }
    }
}
