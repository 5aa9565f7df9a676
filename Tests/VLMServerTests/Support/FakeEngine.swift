import Foundation
import NIOConcurrencyHelpers
import VLMEngine
import VLMServer

/// A deterministic stand-in for the engine: every choice "generates" the bytes of `script` one token at
/// a time (token id = byte), finishing with `stop` at its end or at a stop token id, `length` at max_tokens. Knobs let tests
/// slow it down, make it fail, and see what was submitted and aborted.
final class FakeEngine: GenerationEngine, EngineMetricsReporting, @unchecked Sendable {
    let maxModelLen: Int
    var script = "Hello world"
    var delayPerToken: Duration = .zero
    /// Fails (and turns unhealthy) after this many tokens of any request.
    var failAfterTokens: Int?

    private let state = NIOLockedValueBox(State())
    private struct State {
        var submitted: [EngineRequest] = []
        var aborted: [String] = []
        var tasks: [String: Task<Void, Never>] = [:]
        var healthy = true
    }

    init(maxModelLen: Int = 4096) {
        self.maxModelLen = maxModelLen
    }

    var isHealthy: Bool { state.withLockedValue { $0.healthy } }
    var submitted: [EngineRequest] { state.withLockedValue { $0.submitted } }
    var aborted: [String] { state.withLockedValue { $0.aborted } }
    var metricsSnapshot: EngineMetricsSnapshot? {
        var stats = EngineMetricsSnapshot()
        stats.runningRequests = state.withLockedValue { $0.tasks.count }
        stats.kvCacheUsage = 0.25
        stats.preemptions = 3
        return stats
    }

    func submit(_ request: EngineRequest) throws -> AsyncThrowingStream<RequestOutput, Error> {
        let prompt = request.promptTokenIds.count
        if let maxTokens = request.sampling.maxTokens, prompt + maxTokens > maxModelLen {
            throw EngineValidationError.contextTooLong(maxModelLen: maxModelLen, requested: prompt + maxTokens, promptTokens: prompt, completionTokens: maxTokens)
        }
        if prompt >= maxModelLen { throw EngineValidationError.promptTooLong(maxModelLen: maxModelLen, promptTokens: prompt) }
        if request.sampling.temperature < 0 {
            throw EngineValidationError.invalidSampling(parameter: "temperature", reason: "must be non-negative, got \(request.sampling.temperature).")
        }
        let (stream, continuation) = AsyncThrowingStream<RequestOutput, Error>.makeStream()
        let tokens = Array(script.utf8).map(Int.init)
        let limit = min(request.sampling.maxTokens ?? (maxModelLen - prompt), maxModelLen - prompt)
        let task = Task { [self] in
            do {
                for step in 0..<min(tokens.count, limit) {
                    if delayPerToken > .zero { try await Task.sleep(for: delayPerToken) }
                    try Task.checkCancellation()
                    if let failAfterTokens, step >= failAfterTokens {
                        state.withLockedValue { $0.healthy = false }
                        continuation.finish(throwing: FakeEngineFailure())
                        return
                    }
                    if request.sampling.stopTokenIds.contains(tokens[step]) {
                        for choice in 0..<request.sampling.n {
                            continuation.yield(RequestOutput(
                                requestId: request.id, choiceIndex: choice, newTokenIds: [tokens[step]], text: "", finishReason: .stop,
                                promptTokens: prompt, completionTokens: step + 1, stopTokenId: tokens[step]))
                        }
                        break
                    }
                    let last = step + 1 == min(tokens.count, limit)
                    let reason: FinishReason? = last ? (step + 1 == tokens.count ? .stop : .length) : nil
                    for choice in 0..<request.sampling.n {
                        continuation.yield(RequestOutput(
                            requestId: request.id, choiceIndex: choice, newTokenIds: [tokens[step]],
                            text: String(UnicodeScalar(UInt8(tokens[step]))),
                            logprobs: request.sampling.logprobs.map { top in
                                [TokenLogprob(tokenId: tokens[step], logprob: -0.5,
                                              top: (0..<top).map { (tokenId: 65 + $0, logprob: -Float($0 + 1)) })]
                            } ?? [],
                            finishReason: reason, promptTokens: prompt, completionTokens: step + 1, cachedPromptTokens: 2))
                    }
                }
                continuation.finish()
            } catch {
                continuation.finish()
            }
            state.withLockedValue { _ = $0.tasks.removeValue(forKey: request.id) }
        }
        state.withLockedValue {
            $0.submitted.append(request)
            $0.tasks[request.id] = task
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }

    func abort(requestId: String) {
        state.withLockedValue {
            $0.aborted.append(requestId)
            $0.tasks.removeValue(forKey: requestId)?.cancel()
        }
    }
}

struct FakeEngineFailure: Error, CustomStringConvertible {
    var description: String { "simulated device failure" }
}
