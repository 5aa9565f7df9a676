import Testing
@testable import VLMEngine

/// The vision encoder runs in the step of the first chunk that needs an item's embeddings, once per
/// content hash, within the encoder budget.
@Suite struct VisionSchedulingTests {
    @Test func anImageSplitAcrossChunksIsEncodedOnceAndInjectedRowByRow() throws {
        let request = TestRequests.request("r", before: TestRequests.text(6, seed: 1), image: TestRequests.image(h: 8, w: 8, pixelSeed: 5),
                                           after: TestRequests.text(4, seed: 2), sampling: TestRequests.greedy(maxTokens: 5))
        let (engine, executor) = try TestRequests.engine(TestRequests.config(maxNumBatchedTokens: 8))
        let result = try engine.generate([request])
        // 26 prompt tokens in chunks of 8: the 16 placeholders (6..<22) span three chunks.
        #expect(executor.steps.prefix(4).map(\.tokenCount) == [8, 8, 8, 2])
        #expect(executor.encodedItems == ["image-5"])
        #expect(result[0].choices[0].tokenIds == FakeModel.referenceGreedy(request, maxTokens: 5))
    }

    @Test func theEncoderIsNotRunBeforeTheChunkThatNeedsIt() throws {
        let request = TestRequests.request("r", before: TestRequests.text(20, seed: 1), image: TestRequests.image(pixelSeed: 6),
                                           sampling: TestRequests.greedy(maxTokens: 1))
        let (engine, executor) = try TestRequests.engine(TestRequests.config(maxNumBatchedTokens: 8))
        try engine.add(request)
        _ = try engine.step()
        _ = try engine.step()
        #expect(executor.encodedItems.isEmpty)
        _ = try engine.step()
        #expect(executor.encodedItems == ["image-6"])
    }

    @Test func aChunkStopsBeforeAnImageTheEncoderBudgetCannotTake() throws {
        var config = TestRequests.config(maxNumBatchedTokens: 64)
        config.maxVisionItemTokens = 8
        config.encoderCacheTokens = 8
        let (engine, _) = try TestRequests.engine(config)
        let t = TestRequests.self
        try engine.add(t.request("a", before: t.text(3, seed: 1), image: t.image(h: 4, w: 8, pixelSeed: 1), sampling: t.greedy(maxTokens: 2)))
        try engine.add(t.request("b", before: t.text(5, seed: 2), image: t.image(h: 4, w: 8, pixelSeed: 2), sampling: t.greedy(maxTokens: 2)))
        // Both 8-token images do not fit the 8-row budget of one step: "b" computes its text only.
        let chunks = engine.scheduler.schedule().chunks
        #expect(chunks.map(\.numNewTokens) == [11, 5])
        #expect(chunks.map(\.encoderRows) == [8, 0])
    }

    @Test func twoRequestsWithTheSameImageInOneStepEncodeItOnce() throws {
        let t = TestRequests.self
        let requests = [
            t.request("a", before: t.text(3, seed: 1), image: t.image(pixelSeed: 7), sampling: t.greedy(maxTokens: 3)),
            t.request("b", before: t.text(9, seed: 2), image: t.image(pixelSeed: 7), sampling: t.greedy(maxTokens: 3)),
        ]
        let (engine, executor) = try TestRequests.engine()
        let outputs = TestRequests.tokens(try engine.generate(requests))
        #expect(executor.encodedItems == ["image-7"])
        #expect(outputs == BatchingTests.reference(requests))
    }
}
