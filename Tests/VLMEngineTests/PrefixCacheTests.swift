import Testing
@testable import VLMEngine

/// Prefix caching over token ids and image content hashes (block size 4 in these tests).
@Suite struct PrefixCacheTests {
    /// 12 system tokens (3 blocks), then a 4-token image (the 4th block), then the question.
    static let system = TestRequests.text(12, seed: 40)

    static func ask(_ id: String, image: VisionItem, question: Int) -> EngineRequest {
        TestRequests.request(id, before: system, image: image, after: TestRequests.text(6, seed: question),
                             sampling: TestRequests.greedy(maxTokens: 8))
    }

    @Test func sameSystemPromptAndImageHitTheCacheAndSkipTheEncoder() throws {
        let (engine, executor) = try TestRequests.engine()
        let first = Self.ask("first", image: TestRequests.image(pixelSeed: 3), question: 1)
        let second = Self.ask("second", image: TestRequests.image(pixelSeed: 3), question: 2)
        _ = try engine.generate([first])
        let result = try engine.generate([second])
        #expect(result[0].cachedPromptTokens == 16)
        #expect(engine.stats.prefixCacheHits == 16)
        #expect(result[0].choices[0].tokenIds == FakeModel.referenceGreedy(second, maxTokens: 8))
        #expect(executor.encodedItems == ["image-3"])
    }

    @Test func sameTextWithADifferentImageOnlyHitsTheTextBefore() throws {
        let (engine, executor) = try TestRequests.engine()
        _ = try engine.generate([Self.ask("first", image: TestRequests.image(pixelSeed: 3), question: 1)])
        let other = Self.ask("other", image: TestRequests.image(pixelSeed: 4), question: 1)
        let result = try engine.generate([other])
        #expect(result[0].cachedPromptTokens == 12)
        #expect(result[0].choices[0].tokenIds == FakeModel.referenceGreedy(other, maxTokens: 8))
        #expect(executor.encodedItems == ["image-3", "image-4"])
    }

    @Test func generatedTokensAreCachedForTheNextTurn() throws {
        let (engine, _) = try TestRequests.engine()
        let prompt = TestRequests.text(10, seed: 5)
        let first = try engine.generate([TestRequests.request("turn-1", before: prompt, sampling: TestRequests.greedy(maxTokens: 7))])
        // The next turn repeats the prompt and the answer: 17 tokens, of which 16 are full computed blocks
        // (the last generated token was never fed back, so its block is not full).
        let answer = first[0].choices[0].tokenIds
        let next = TestRequests.request("turn-2", before: prompt + answer + [1, 2], sampling: TestRequests.greedy(maxTokens: 3))
        let result = try engine.generate([next])
        #expect(result[0].cachedPromptTokens == 16)
        #expect(result[0].choices[0].tokenIds == FakeModel.referenceGreedy(next, maxTokens: 3))
    }

    @Test func aFullyCachedPromptStillComputesItsLastToken() throws {
        let (engine, _) = try TestRequests.engine()
        let prompt = TestRequests.request("p", before: TestRequests.text(16, seed: 6), sampling: TestRequests.greedy(maxTokens: 2))
        _ = try engine.generate([prompt])
        var again = prompt
        again.id = "again"
        let result = try engine.generate([again])
        #expect(result[0].cachedPromptTokens == 12)
        #expect(result[0].choices[0].tokenIds == FakeModel.referenceGreedy(prompt, maxTokens: 2))
    }

    @Test func disabledPrefixCachingNeverHits() throws {
        var config = TestRequests.config()
        config.enablePrefixCaching = false
        let (engine, _) = try TestRequests.engine(config)
        let image = TestRequests.image(pixelSeed: 3)
        _ = try engine.generate([Self.ask("first", image: image, question: 1)])
        let result = try engine.generate([Self.ask("second", image: image, question: 2)])
        #expect(result[0].cachedPromptTokens == 0)
        #expect(engine.stats.prefixCacheQueries == 0)
    }

    @Test func cachedBlocksAreEvictedLeastRecentlyFreedFirst() throws {
        // 8 blocks: each 8-token prompt + 1 generated token leaves 2 cached full blocks behind.
        let (engine, _) = try TestRequests.engine(TestRequests.config(numBlocks: 8, maxModelLen: 32))
        let prompts = (0..<4).map {
            TestRequests.request("p\($0)", before: TestRequests.text(9, seed: 20 + $0), sampling: TestRequests.greedy(maxTokens: 1))
        }
        for prompt in prompts { _ = try engine.generate([prompt]) }
        // p0's blocks were freed first, so the newest requests evicted them; p3's are still cached.
        var p3 = prompts[3], p0 = prompts[0]
        p3.id = "p3-again"
        p0.id = "p0-again"
        #expect(try engine.generate([p3])[0].cachedPromptTokens == 8)
        #expect(try engine.generate([p0])[0].cachedPromptTokens == 0)
    }
}
