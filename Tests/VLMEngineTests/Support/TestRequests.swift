@testable import VLMEngine

/// Small engines and requests over the fake model.
enum TestRequests {
    static func config(numBlocks: Int = 256, blockSize: Int = 4, maxModelLen: Int = 256,
                       maxNumSeqs: Int = 16, maxNumBatchedTokens: Int = 64) -> EngineConfig
    {
        var config = EngineConfig(maxModelLen: maxModelLen, numKVBlocks: numBlocks)
        config.blockSize = blockSize
        config.maxNumSeqs = maxNumSeqs
        config.maxNumBatchedTokens = maxNumBatchedTokens
        config.eosTokenIds = FakeModel.eosTokenIds
        config.imageTokenId = FakeModel.imageTokenId
        config.videoTokenId = FakeModel.videoTokenId
        config.maxVisionItemTokens = 64
        return config
    }

    static func engine(_ config: EngineConfig = config(), detokenizers: (any IncrementalDetokenizerFactory)? = nil) throws
        -> (EngineCore<FakeExecutor>, FakeExecutor)
    {
        let executor = FakeExecutor()
        return (try EngineCore(config: config, executor: executor, detokenizers: detokenizers), executor)
    }

    static func greedy(maxTokens: Int, ignoreEOS: Bool = true) -> SamplingParams {
        var sampling = SamplingParams()
        sampling.temperature = 0
        sampling.maxTokens = maxTokens
        sampling.ignoreEOS = ignoreEOS
        return sampling
    }

    /// Text tokens 0..<50 that vary with `seed`.
    static func text(_ count: Int, seed: Int) -> [Int] {
        (0..<count).map { (($0 + 1) * 7 + seed * 13) % 50 }
    }

    /// An image of grid (1, h, w) whose pixels depend on `pixelSeed`.
    static func image(h: Int = 4, w: Int = 4, pixelSeed: Int, hash: String? = nil) -> VisionItem {
        let rows = h * w
        let patches = (0..<rows * RequestValidator.patchRowWidth).map { Float(($0 * 31 + pixelSeed * 97) % 255) / 255 }
        return VisionItem(kind: .image, patches: patches, grid: (1, h, w), contentHash: hash ?? "image-\(pixelSeed)")
    }

    /// `before` text tokens, the image's placeholders, `after` text tokens.
    static func request(_ id: String, before: [Int], image: VisionItem? = nil, after: [Int] = [],
                        sampling: SamplingParams) -> EngineRequest
    {
        let pads = image.map { Array(repeating: FakeModel.imageTokenId, count: $0.tokenCount) } ?? []
        return EngineRequest(id: id, promptTokenIds: before + pads + after, visionItems: image.map { [$0] } ?? [],
                             sampling: sampling)
    }

    static func tokens(_ results: [GeneratedRequest]) -> [String: [Int]] {
        Dictionary(uniqueKeysWithValues: results.map { ($0.requestId, $0.choices[0].tokenIds) })
    }
}
