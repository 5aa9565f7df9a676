import Testing
@testable import VLMEngine

/// Seeded sampling, parallel choices and aborts through the engine core.
@Suite struct RequestLifecycleTests {
    static func random(_ id: String, seed: UInt64?, promptSeed: Int, n: Int = 1) -> EngineRequest {
        var sampling = SamplingParams()
        sampling.temperature = 0.9
        sampling.topP = 0.95
        sampling.seed = seed
        sampling.maxTokens = 12
        sampling.ignoreEOS = true
        sampling.n = n
        return TestRequests.request(id, before: TestRequests.text(8 + promptSeed, seed: promptSeed), sampling: sampling)
    }

    @Test func seededSamplingIsTheSameAloneAndInABatch() throws {
        let seeded = Self.random("seeded", seed: 42, promptSeed: 1)
        let (alone, _) = try TestRequests.engine()
        let aloneTokens = try alone.generate([seeded])[0].choices[0].tokenIds

        let (batched, _) = try TestRequests.engine(TestRequests.config(maxNumBatchedTokens: 12))
        let others = (2..<6).map { Self.random("other-\($0)", seed: nil, promptSeed: $0) }
        let results = try batched.generate(Array(others.prefix(2)) + [seeded] + others.suffix(2))
        #expect(results[2].choices[0].tokenIds == aloneTokens)

        var otherSeed = seeded
        otherSeed.sampling.seed = 43
        let (third, _) = try TestRequests.engine()
        #expect(try third.generate([otherSeed])[0].choices[0].tokenIds != aloneTokens)
    }

    @Test func parallelChoicesUseSeedPlusIndex() throws {
        let (engine, _) = try TestRequests.engine()
        let choices = try engine.generate([Self.random("n3", seed: 11, promptSeed: 2, n: 3)])[0].choices
        #expect(choices.count == 3)
        for index in 0..<3 {
            let (single, _) = try TestRequests.engine()
            let alone = try single.generate([Self.random("one", seed: 11 + UInt64(index), promptSeed: 2)])
            #expect(choices[index].tokenIds == alone[0].choices[0].tokenIds)
        }
    }

    @Test func parallelChoicesComputeTheirPromptOnce() throws {
        let (engine, _) = try TestRequests.engine()
        // 20 prompt tokens: the first choice computes them while the other three wait; each of those then
        // finds 4 full blocks (16 tokens) in the prefix cache.
        try engine.add(Self.random("n4", seed: 1, promptSeed: 12, n: 4))
        _ = try engine.step()
        #expect(engine.stats.numRunning == 1)
        while engine.hasUnfinishedRequests { _ = try engine.step() }
        #expect(engine.stats.prefixCacheHits == 48)
    }

    @Test func abortFreesEveryBlock() throws {
        let (engine, _) = try TestRequests.engine(TestRequests.config(numBlocks: 40, maxModelLen: 64, maxNumBatchedTokens: 16))
        let requests = BatchingTests.mixedRequests()
        for request in requests { try engine.add(request) }
        for _ in 0..<5 { _ = try engine.step() }
        #expect(engine.stats.numFreeBlocks < 40)
        var aborted: [RequestOutput] = []
        for request in requests { aborted += engine.abort(requestId: request.id) }
        #expect(aborted.count == requests.count)
        #expect(aborted.allSatisfy { $0.finishReason == .abort })
        #expect(engine.stats.numFreeBlocks == 40)
        #expect(engine.stats.numRunning == 0 && engine.stats.numWaiting == 0)
        #expect(!engine.hasUnfinishedRequests)
        // No aborted request still holds vision embeddings: the whole encoder cache can be reused.
        let capacity = engine.config.effectiveEncoderCacheTokens
        #expect(engine.scheduler.encoderCache.canReserve(rows: capacity, pendingRows: 0))
    }

    @Test func abortingAnUnknownRequestDoesNothing() throws {
        let (engine, _) = try TestRequests.engine()
        #expect(engine.abort(requestId: "nobody").isEmpty)
    }

    @Test func duplicateIdsAreRefused() throws {
        let (engine, _) = try TestRequests.engine()
        let request = Self.random("same", seed: 1, promptSeed: 1)
        try engine.add(request)
        #expect(throws: EngineValidationError.invalidRequest(reason: "A request with id 'same' is already running.")) {
            try engine.add(request)
        }
    }

    @Test func outputsCarryPromptAndCompletionCounts() throws {
        let (engine, _) = try TestRequests.engine()
        try engine.add(TestRequests.request("r", before: TestRequests.text(7, seed: 1), sampling: TestRequests.greedy(maxTokens: 3)))
        var counts: [Int] = []
        while engine.hasUnfinishedRequests {
            for output in try engine.step() {
                #expect(output.promptTokens == 7)
                counts.append(output.completionTokens)
            }
        }
        #expect(counts == [1, 2, 3])
    }
}
