import Dispatch
import Testing
@testable import VLMEngine

/// The threaded engine behind `GenerationEngine`: streams, cancellation, aborts, failure.
@Suite struct LLMEngineTests {
    static func start(_ config: EngineConfig = TestRequests.config(), failing: Bool = false,
                      beforeStep: (() -> Void)? = nil) throws -> LLMEngine<FakeExecutor>
    {
        let executor = FakeExecutor()
        executor.failNextStep = failing
        executor.beforeStep = beforeStep
        return try LLMEngine(core: EngineCore(config: config, executor: executor, detokenizers: BracketDetokenizers()))
    }

    static func collect(_ stream: AsyncThrowingStream<RequestOutput, Error>) async throws -> [RequestOutput] {
        var outputs: [RequestOutput] = []
        for try await output in stream { outputs.append(output) }
        return outputs
    }

    /// Polls the engine's published counters until `condition` holds (the engine thread is asynchronous).
    static func eventually(_ engine: LLMEngine<FakeExecutor>, _ condition: (EngineStats) -> Bool) async throws -> Bool {
        for _ in 0..<500 {
            if let stats = engine.stats, condition(stats) { return true }
            try await Task.sleep(nanoseconds: 2_000_000)
        }
        return false
    }

    @Test func concurrentStreamsGiveTheReferenceTokens() async throws {
        let engine = try Self.start()
        defer { engine.shutdown() }
        let requests = BatchingTests.mixedRequests()
        let streams = try requests.map { try engine.submit($0) }
        var tokens: [String: [Int]] = [:]
        try await withThrowingTaskGroup(of: (String, [RequestOutput]).self) { group in
            for (request, stream) in zip(requests, streams) {
                group.addTask { (request.id, try await Self.collect(stream)) }
            }
            for try await (id, outputs) in group {
                tokens[id] = outputs.flatMap(\.newTokenIds)
                #expect(outputs.last?.finishReason == .length)
                #expect(outputs.dropLast().allSatisfy { $0.finishReason == nil })
            }
        }
        #expect(tokens == BatchingTests.reference(requests))
    }

    @Test func droppingAStreamAbortsItsRequestAndFreesItsBlocks() async throws {
        // Each step waits for a go-ahead, so the request cannot finish its 200 tokens on its own.
        let gate = DispatchSemaphore(value: 0)
        let engine = try Self.start(beforeStep: { gate.wait() })
        defer {
            for _ in 0..<300 { gate.signal() }
            engine.shutdown()
        }
        do {
            let stream = try engine.submit(TestRequests.request("long", before: TestRequests.text(20, seed: 1),
                                                                sampling: TestRequests.greedy(maxTokens: 200)))
            gate.signal()
            for try await _ in stream { break }
        }
        gate.signal()
        #expect(try await Self.eventually(engine) { $0.numRunning == 0 && $0.numFreeBlocks == $0.numBlocks })
    }

    @Test func abortEndsTheStreamWithAbort() async throws {
        // The first step waits until the abort is posted, so it lands between the first and second token.
        let stepStarted = DispatchSemaphore(value: 0), release = DispatchSemaphore(value: 0)
        var held = false
        let engine = try Self.start(beforeStep: {
            guard !held else { return }
            held = true
            stepStarted.signal()
            release.wait()
        })
        defer { engine.shutdown() }
        let stream = try engine.submit(TestRequests.request("long", before: TestRequests.text(20, seed: 1),
                                                            sampling: TestRequests.greedy(maxTokens: 200)))
        stepStarted.wait()
        engine.abort(requestId: "long")
        release.signal()
        let outputs = try await Self.collect(stream)
        #expect(outputs.map(\.finishReason) == [nil, .abort])
        #expect(outputs.map(\.completionTokens) == [1, 1])
    }

    @Test func aFailingModelStopsTheEngine() async throws {
        let engine = try Self.start(failing: true)
        defer { engine.shutdown() }
        let stream = try engine.submit(TestRequests.request("r", before: [1, 2, 3], sampling: TestRequests.greedy(maxTokens: 2)))
        await #expect(throws: EngineStoppedError.self) { _ = try await Self.collect(stream) }
        #expect(!engine.isHealthy)
        #expect(throws: EngineStoppedError.self) {
            _ = try engine.submit(TestRequests.request("next", before: [1], sampling: SamplingParams()))
        }
    }

    @Test func invalidRequestsThrowBeforeQueueing() throws {
        let engine = try Self.start()
        defer { engine.shutdown() }
        #expect(throws: EngineValidationError.self) {
            _ = try engine.submit(EngineRequest(id: "empty", promptTokenIds: []))
        }
        _ = try engine.submit(TestRequests.request("same", before: [1], sampling: TestRequests.greedy(maxTokens: 100)))
        #expect(throws: EngineValidationError.invalidRequest(reason: "A request with id 'same' is already running.")) {
            _ = try engine.submit(TestRequests.request("same", before: [1], sampling: SamplingParams()))
        }
    }

    @Test func submittingAfterShutdownIsRefused() throws {
        let engine = try Self.start()
        engine.shutdown()
        #expect(throws: EngineStoppedError.self) {
            _ = try engine.submit(TestRequests.request("late", before: [1], sampling: SamplingParams()))
        }
        #expect(!engine.isHealthy)
    }

    @Test func shutdownEndsOpenStreamsWithAbort() async throws {
        let engine = try Self.start()
        let stream = try engine.submit(TestRequests.request("long", before: [1, 2], sampling: TestRequests.greedy(maxTokens: 200)))
        engine.shutdown()
        let outputs = try await Self.collect(stream)
        #expect(outputs.last?.finishReason == .abort)
    }
}
