import NIOConcurrencyHelpers
import VLMEngine

/// The engine requests behind one HTTP request (one for chat; one per prompt for text completions),
/// their outputs merged into one stream. When that stream is dropped before it ends (the client went
/// away, the handler was cancelled at shutdown) every request still running is aborted, so its KV
/// blocks are freed at once.
struct GenerationSession: Sendable {
    /// An output tagged with the index of the prompt it belongs to.
    typealias Tagged = (prompt: Int, output: RequestOutput)

    let outputs: AsyncThrowingStream<Tagged, Error>
    private let stop: @Sendable () -> Void

    /// Submits every request; throws `APIError` (400 for the engine's validation, 503 for a dead
    /// engine) with nothing left queued.
    init(engine: any GenerationEngine, requests: [EngineRequest], metrics: ServerMetrics) throws {
        guard engine.isHealthy else { throw APIError.engineDead }
        var streams: [AsyncThrowingStream<RequestOutput, Error>] = []
        do {
            for request in requests { streams.append(try engine.submit(request)) }
        } catch {
            for request in requests.prefix(streams.count) { engine.abort(requestId: request.id) }
            if let validation = error as? EngineValidationError { throw APIError(validation) }
            throw engine.isHealthy ? APIError.internalError("The engine refused the request: \(error)") : APIError.engineDead
        }
        let ids = requests.map(\.id)
        let (merged, continuation) = AsyncThrowingStream<Tagged, Error>.makeStream()
        metrics.requestStarted()
        let pump = Task {
            do {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for (index, stream) in streams.enumerated() {
                        group.addTask {
                            var timings = RequestTimings()
                            for try await output in stream {
                                timings.observe(output, metrics: metrics)
                                continuation.yield((index, output))
                            }
                            metrics.record(timings.finished())
                        }
                    }
                    try await group.waitForAll()
                }
                continuation.finish()
            } catch {
                for id in ids { engine.abort(requestId: id) }
                continuation.finish(throwing: EngineStreamFailure(error: .internalError("The engine failed while generating: \(error)")))
            }
            metrics.requestEnded()
        }
        // The client leaving, a cancelled handler and a failed write may all ask to stop: abort once.
        let stopped = NIOLockedValueBox(false)
        let stop: @Sendable () -> Void = {
            let alreadyStopped = stopped.withLockedValue { value -> Bool in
                defer { value = true }
                return value
            }
            guard !alreadyStopped else { return }
            pump.cancel()
            for id in ids { engine.abort(requestId: id) }
        }
        continuation.onTermination = { termination in
            if case .cancelled = termination { stop() }
        }
        outputs = merged
        self.stop = stop
    }

    /// Stops everything still running (aborting requests that already finished is harmless).
    func cancel() {
        stop()
    }

    /// Every output, gathered; cancelling the calling task aborts the requests.
    func collect(choicesPerPrompt n: Int) async throws -> GenerationTally {
        try await withTaskCancellationHandler {
            var tally = GenerationTally(choicesPerPrompt: n)
            do {
                for try await tagged in outputs { tally.add(tagged) }
            } catch let failure as EngineStreamFailure {
                throw failure.error
            }
            try Task.checkCancellation()
            return tally
        } onCancel: {
            cancel()
        }
    }
}

/// One engine request's timing and token figures, for the metrics.
struct RequestTimings {
    let clock = ContinuousClock()
    let start = ContinuousClock.now
    var firstToken: Duration?
    var lastTokenAt: ContinuousClock.Instant?
    var promptTokens = 0
    var generatedTokens = 0
    var finishReason: FinishReason?
    var endToEnd: Duration = .zero

    mutating func observe(_ output: RequestOutput, metrics: ServerMetrics) {
        promptTokens = output.promptTokens
        if let reason = output.finishReason { finishReason = reason }
        guard !output.newTokenIds.isEmpty else { return }
        let now = clock.now
        if firstToken == nil { firstToken = now - start }
        metrics.recordGenerated(tokens: output.newTokenIds.count, interval: lastTokenAt.map { now - $0 })
        lastTokenAt = now
        generatedTokens += output.newTokenIds.count
    }

    func finished() -> RequestTimings {
        var copy = self
        copy.endToEnd = clock.now - start
        // A stream that ended without a reason was stopped by us: the client left or the server stops.
        if copy.finishReason == nil { copy.finishReason = .abort }
        return copy
    }
}

/// The engine failed while a request was generating: the server's fault, answered with 500 (or an
/// error event in a stream that has started).
struct EngineStreamFailure: Error {
    let error: APIError
}
