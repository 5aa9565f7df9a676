import Testing
import VLMCompute
import VLMModels
@testable import VLMEngine

/// The engine on the tiny checkpoints (CPU backend) against transformers' greedy tokens: batching,
/// preemption, prefix caching, seeded sampling and aborts with the real model.
@Suite struct ModelIntegrationTests {
    static func tokens(_ results: [GeneratedRequest]) -> [String: [Int]] {
        Dictionary(uniqueKeysWithValues: results.map { ($0.requestId, $0.choices[0].tokenIds) })
    }

    static func expected(_ cases: [ModelFixtures.Case]) -> [String: [Int]] {
        Dictionary(uniqueKeysWithValues: cases.map { ($0.name, $0.greedy) })
    }

    @Test(arguments: ModelFixtures.modelNames)
    func concurrentGreedyRequestsGiveTransformersTokens(model name: String) throws {
        let model = try ModelFixtures.load(name)
        let cases = try ModelFixtures.cases(name)
        let engine = try ModelFixtures.engine(model)
        #expect(Self.tokens(try engine.generate(cases.map { $0.request() })) == Self.expected(cases))
        let alone = cases[1]
        #expect(Self.tokens(try ModelFixtures.engine(model).generate([alone.request()]))[alone.name] == alone.greedy)
    }

    @Test func preemptionWithASmallPoolKeepsTheTokens() throws {
        let name = "qwen2.5-vl-tiny"
        let model = try ModelFixtures.load(name)
        let cases = try ModelFixtures.cases(name)
        // 10 blocks of 16 hold one 160-token sequence; the five requests need about 30.
        let engine = try ModelFixtures.engine(model, maxModelLen: 160, numBlocks: 10)
        #expect(Self.tokens(try engine.generate(cases.map { $0.request() })) == Self.expected(cases))
        #expect(engine.stats.numPreemptions > 0)
        #expect(engine.stats.numFreeBlocks == 10)
    }
}

/// Prefix caching, seeded sampling and aborts on the real model (Qwen2-VL tiny only, to stay quick).
@Suite struct ModelCachingTests {
    static let modelName = "qwen2-vl-tiny"

    static func oneImageCase() throws -> (VisionLanguageModel, ModelFixtures.Case) {
        let model = try ModelFixtures.load(modelName)
        guard let found = try ModelFixtures.cases(modelName).first(where: { $0.name == "one-image" }) else {
            throw ModelFixtures.Missing(path: "golden case one-image")
        }
        return (model, found)
    }

    static func greedy(_ maxTokens: Int) -> SamplingParams {
        var sampling = SamplingParams()
        sampling.temperature = 0
        sampling.ignoreEOS = true
        sampling.maxTokens = maxTokens
        return sampling
    }

    /// The same request on a fresh engine: nothing cached.
    static func uncached(_ model: VisionLanguageModel, _ request: EngineRequest) throws -> [Int] {
        try ModelFixtures.engine(model).generate([request])[0].choices[0].tokenIds
    }

    @Test func samePromptAndImageHitTheCacheAndGiveTheSameTokens() throws {
        let (model, base) = try Self.oneImageCase()
        let engine = try ModelFixtures.engine(model)
        _ = try engine.generate([base.request("first", sampling: Self.greedy(4))])
        // A follow-up that keeps the whole first prompt (system prompt, image, question) and adds to it.
        var followUp = base.request("follow-up", sampling: Self.greedy(6))
        followUp.promptTokenIds += [151644, 872, 198, 3838, 30, 151645, 198]
        let result = try engine.generate([followUp])
        let imageEnd = (followUp.promptTokenIds.lastIndex(of: model.properties.imageTokenId) ?? 0) + 1
        #expect(result[0].cachedPromptTokens == base.promptTokenIds.count / 16 * 16)
        #expect(result[0].cachedPromptTokens >= imageEnd)
        #expect(result[0].choices[0].tokenIds == (try Self.uncached(model, followUp)))
    }

    @Test func theSameTextWithAnotherImageOnlyHitsTheTextBeforeIt() throws {
        let (model, base) = try Self.oneImageCase()
        let engine = try ModelFixtures.engine(model)
        _ = try engine.generate([base.request("first", sampling: Self.greedy(4))])
        var other = base.request("other-image", sampling: Self.greedy(6))
        other.visionItems[0].patches = other.visionItems[0].patches.map { 0.5 * $0 }
        other.visionItems[0].contentHash = "image-wide-dimmed"
        let result = try engine.generate([other])
        let imageStart = other.promptTokenIds.firstIndex(of: model.properties.imageTokenId) ?? 0
        #expect(result[0].cachedPromptTokens == imageStart / 16 * 16)
        #expect(result[0].choices[0].tokenIds == (try Self.uncached(model, other)))
    }

    @Test func seededSamplingIsTheSameAloneAndInABatch() throws {
        let model = try ModelFixtures.load(Self.modelName)
        let cases = try ModelFixtures.cases(Self.modelName)
        var sampling = Self.greedy(8)
        sampling.temperature = 1
        sampling.topK = 50
        sampling.seed = 7
        let seeded = cases[0].request("seeded", sampling: sampling)
        let alone = try Self.uncached(model, seeded)
        let batch = try ModelFixtures.engine(model).generate([cases[2].request(sampling: Self.greedy(8)), seeded,
                                                              cases[3].request(sampling: Self.greedy(8))])
        #expect(batch[1].choices[0].tokenIds == alone)
    }

    @Test func abortFreesEveryBlock() throws {
        let model = try ModelFixtures.load(Self.modelName)
        let cases = try ModelFixtures.cases(Self.modelName)
        let engine = try ModelFixtures.engine(model)
        for item in cases { try engine.add(item.request()) }
        for _ in 0..<3 { _ = try engine.step() }
        #expect(engine.stats.numFreeBlocks < 64)
        for item in cases { _ = engine.abort(requestId: item.name) }
        #expect(engine.stats.numFreeBlocks == 64)
        #expect(!engine.hasUnfinishedRequests)
    }
}

/// Stop strings with the real tokenizer: found across token boundaries, excluded from the text.
@Suite struct ModelStopStringTests {
    @Test func aStopStringSpanningTwoTokensEndsTheTextBeforeIt() throws {
        let name = "qwen2-vl-tiny"
        let model = try ModelFixtures.load(name)
        let tokenizer = try ModelFixtures.tokenizer(name)
        guard let text = try ModelFixtures.cases(name).first(where: { $0.name == "text" }) else {
            throw ModelFixtures.Missing(path: "golden case text")
        }
        // Each greedy token's text, as the engine streams it.
        var decoder = tokenizer.makeDetokenizer(skipSpecialTokens: true)
        let pieces = text.greedy.map { Array(decoder.add($0).unicodeScalars) }
        let full = pieces.flatMap { $0 }
        // Two scalars either side of a token boundary, occurring nowhere earlier in the text.
        var boundary = 0
        var stop: [Unicode.Scalar] = []
        for k in 1..<pieces.count {
            boundary = pieces[..<k].reduce(0) { $0 + $1.count }
            guard boundary >= 2, boundary + 2 <= full.count, !pieces[k].isEmpty else { continue }
            let candidate = Array(full[boundary - 2 ..< boundary + 2])
            let first = (0...(full.count - 4)).first { Array(full[$0 ..< $0 + 4]) == candidate }
            if first == boundary - 2 {
                stop = candidate
                break
            }
        }
        #expect(stop.count == 4)
        let stopString = String(String.UnicodeScalarView(stop))
        var sampling = ModelCachingTests.greedy(text.greedy.count)
        sampling.stop = [stopString]
        let engine = try ModelFixtures.engine(model, detokenizers: tokenizer)
        let choice = try engine.generate([text.request(sampling: sampling)])[0].choices[0]
        #expect(choice.text == String(String.UnicodeScalarView(full[..<(boundary - 2)])))
        #expect(choice.finishReason == .stop)
        #expect(choice.stopReason == stopString)
        #expect(choice.tokenIds == Array(text.greedy.prefix(choice.tokenIds.count)))
    }
}

/// `vllm serve`-style start-up from a checkpoint folder.
@Suite struct EngineStartupTests {
    @Test func startupPlansLogsAndServesTransformersTokens() async throws {
        let name = "qwen2-vl-tiny"
        var options = EngineStartup.Options(modelDirectory: try ModelFixtures.directory(name), totalMemoryBytes: 16 << 30)
        options.gpuMemoryUtilization = 0.5
        options.maxModelLen = 2048
        options.maxNumBatchedTokens = 128
        options.limitMMPerPrompt = [.image: 40]
        options.largestImageGrid = (1, 12, 20)
        var lines: [String] = []
        let started = try EngineStartup.start(options, backend: CPUBackend()) { lines.append($0) }
        defer { started.engine.shutdown() }
        #expect(lines.first == "the current instance can use total_cpu_memory (16.00GiB) x gpu_memory_utilization (0.50) = 8.00GiB")
        // 40 images of 60 tokens do not fit 2048.
        #expect(lines.contains { $0.hasPrefix("--max-model-len 2048 cannot hold the worst case") })
        #expect(lines.last == "Using default sampling params from model: {'repetition_penalty': 1.05, 'temperature': 0.1, 'top_k': 1, 'top_p': 0.001}")
        #expect(started.defaults.eosTokenIds == [151645, 151643])
        // The plan: weights from the checkpoint, the measured peak of a 128-token step, the rest in blocks.
        let plan = started.memoryPlan
        let properties = try ModelFixtures.load(name).properties
        let perBlock = KVCache.bytesPerBlock(layers: properties.layerCount, blockSize: 16, kvHeads: properties.kvHeadCount,
                                             headDim: properties.headDim, dtype: .f32)
        #expect(plan.weightBytes == (try LoadedModelExecutor.checkpointBytes(directory: options.modelDirectory)))
        #expect(plan.activationPeakBytes > 0)
        #expect(plan.numBlocks == (8 << 30 - plan.weightBytes - plan.activationPeakBytes) / perBlock)

        guard let golden = try ModelFixtures.cases(name).first(where: { $0.name == "one-image" }) else {
            throw ModelFixtures.Missing(path: "golden case one-image")
        }
        var tokens: [Int] = []
        for try await output in try started.engine.submit(golden.request()) { tokens += output.newTokenIds }
        #expect(tokens == golden.greedy)
    }
}
