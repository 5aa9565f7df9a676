import Testing
@testable import VLMEngine

/// Continuous batching on the fake model: outputs must not depend on what else runs, how prefills are
/// chunked, or whether sequences were preempted.
@Suite struct BatchingTests {
    /// Mixed lengths, two different images, one image shared by two prompts.
    static func mixedRequests() -> [EngineRequest] {
        let t = TestRequests.self
        return [
            t.request("short", before: t.text(3, seed: 1), sampling: t.greedy(maxTokens: 12)),
            t.request("long", before: t.text(45, seed: 2), sampling: t.greedy(maxTokens: 7)),
            t.request("image-a", before: t.text(9, seed: 3), image: t.image(pixelSeed: 1), after: t.text(5, seed: 4),
                      sampling: t.greedy(maxTokens: 10)),
            t.request("wide-image", before: t.text(2, seed: 5), image: t.image(h: 4, w: 8, pixelSeed: 2),
                      after: t.text(20, seed: 6), sampling: t.greedy(maxTokens: 15)),
            t.request("image-a-again", before: t.text(30, seed: 7), image: t.image(pixelSeed: 1), after: t.text(3, seed: 8),
                      sampling: t.greedy(maxTokens: 9)),
            t.request("medium", before: t.text(17, seed: 9), sampling: t.greedy(maxTokens: 20)),
        ]
    }

    static func reference(_ requests: [EngineRequest]) -> [String: [Int]] {
        Dictionary(uniqueKeysWithValues: requests.map {
            ($0.id, FakeModel.referenceGreedy($0, maxTokens: $0.sampling.maxTokens ?? 0))
        })
    }

    @Test func concurrentGreedyRequestsMatchTheReferenceTogetherAndAlone() throws {
        let requests = Self.mixedRequests()
        let (engine, executor) = try TestRequests.engine(TestRequests.config(maxNumBatchedTokens: 16))
        let together = TestRequests.tokens(try engine.generate(requests))
        #expect(together == Self.reference(requests))
        #expect(executor.steps.contains { $0.sequenceCount >= 4 })
        for request in requests {
            let (alone, _) = try TestRequests.engine(TestRequests.config(maxNumBatchedTokens: 16))
            #expect(TestRequests.tokens(try alone.generate([request]))[request.id] == together[request.id])
        }
    }

    @Test func chunkedPrefillRespectsTheTokenBudgetAndSequenceLimit() throws {
        let (engine, executor) = try TestRequests.engine(TestRequests.config(maxNumSeqs: 3, maxNumBatchedTokens: 10))
        _ = try engine.generate(Self.mixedRequests())
        #expect(executor.steps.allSatisfy { $0.tokenCount <= 10 && $0.sequenceCount <= 3 })
        #expect(executor.steps.contains { $0.tokenCount == 10 })
    }

    @Test func preemptionsWithASmallPoolKeepOutputsIdentical() throws {
        let requests = Self.mixedRequests()
        // 16 blocks of 4 tokens hold one 64-token sequence, far less than all six at once.
        let config = TestRequests.config(numBlocks: 16, maxModelLen: 64, maxNumBatchedTokens: 32)
        let (engine, _) = try TestRequests.engine(config)
        let outputs = TestRequests.tokens(try engine.generate(requests))
        #expect(engine.stats.numPreemptions > 0)
        #expect(outputs == Self.reference(requests))
        #expect(engine.stats.numFreeBlocks == 16)
    }

    @Test func preemptionWorksWithoutPrefixCaching() throws {
        let requests = Self.mixedRequests()
        var config = TestRequests.config(numBlocks: 16, maxModelLen: 64, maxNumBatchedTokens: 32)
        config.enablePrefixCaching = false
        let (engine, _) = try TestRequests.engine(config)
        #expect(TestRequests.tokens(try engine.generate(requests)) == Self.reference(requests))
        #expect(engine.stats.numPreemptions > 0)
        #expect(engine.stats.prefixCacheHits == 0)
    }

    @Test func priorityPolicyRunsLowerPriorityValuesFirst() throws {
        var config = TestRequests.config(maxNumSeqs: 1)
        config.schedulingPolicy = .priority
        let (engine, _) = try TestRequests.engine(config)
        var late = TestRequests.request("late", before: TestRequests.text(5, seed: 1), sampling: TestRequests.greedy(maxTokens: 2))
        late.priority = 5
        var urgent = TestRequests.request("urgent", before: TestRequests.text(5, seed: 2), sampling: TestRequests.greedy(maxTokens: 2))
        urgent.priority = -1
        try engine.add(late)
        try engine.add(urgent)
        let first = try engine.step()
        #expect(first.map(\.requestId) == ["urgent"])
    }

    @Test func decodesAreScheduledBeforePrefillChunks() throws {
        let (engine, executor) = try TestRequests.engine(TestRequests.config(maxNumBatchedTokens: 8))
        try engine.add(TestRequests.request("decoding", before: TestRequests.text(3, seed: 1),
                                            sampling: TestRequests.greedy(maxTokens: 10)))
        _ = try engine.step()
        try engine.add(TestRequests.request("prefilling", before: TestRequests.text(40, seed: 2),
                                            sampling: TestRequests.greedy(maxTokens: 2)))
        // While the 40-token prompt is chunked 7 tokens at a time, the decode always gets its token.
        for _ in 0..<4 {
            let outputs = try engine.step()
            #expect(outputs.map(\.requestId) == ["decoding"])
        }
        #expect(executor.steps.dropFirst().prefix(4).allSatisfy { $0.tokenCount == 8 && $0.decodeCount == 1 })
    }
}
