import VLMCompute

/// A Qwen2-VL-family model: the Qwen2 decoder, a vision tower, and the family's M-RoPE indexer.
final class QwenVLModel: VisionLanguageModel {
    let properties: ModelProperties
    let backend: Backend
    private let decoder: Qwen2Decoder
    private let vision: VisionTower
    private let indexer: MRoPEIndexer

    init(modelType: String, decoder: Qwen2Decoder, vision: VisionTower, tokens: VisionTokenConfig,
         maxPositionEmbeddings: Int, tokensPerSecond: Int?, backend: Backend) throws
    {
        guard vision.outputWidth == decoder.hiddenSize else {
            throw CheckpointError.inconsistentShapes(
                reason: "the vision merger outputs \(vision.outputWidth) features but the language model is \(decoder.hiddenSize) wide")
        }
        self.decoder = decoder
        self.vision = vision
        self.backend = backend
        indexer = MRoPEIndexer(imageTokenId: tokens.imageTokenId, videoTokenId: tokens.videoTokenId,
                               spatialMergeSize: vision.mergeSize, tokensPerSecond: tokensPerSecond)
        properties = ModelProperties(
            modelType: modelType, vocabularySize: decoder.vocabularySize, hiddenSize: decoder.hiddenSize,
            layerCount: decoder.layerCount, kvHeadCount: decoder.kvHeads, headDim: decoder.headDim,
            maxPositionEmbeddings: maxPositionEmbeddings, imageTokenId: tokens.imageTokenId,
            videoTokenId: tokens.videoTokenId, visionStartTokenId: tokens.visionStartTokenId,
            eosTokenIds: tokens.eosTokenIds, patchRowLength: vision.patchRowLength,
            patchesPerToken: vision.mergeSize * vision.mergeSize)
    }

    /// Reads the text and token settings, builds the decoder, and joins it with `vision`.
    convenience init(modelType: String, config: ConfigLookup, generation: ConfigLookup?, checkpoint: Checkpoint,
                     vision: VisionTower, tokensPerSecond: Int?, backend: Backend) throws
    {
        let text = try Qwen2TextConfig(config)
        try self.init(modelType: modelType, decoder: try Qwen2Decoder(checkpoint: checkpoint, config: text, backend: backend),
                      vision: vision, tokens: try VisionTokenConfig(config, generation: generation),
                      maxPositionEmbeddings: text.maxPositionEmbeddings, tokensPerSecond: tokensPerSecond, backend: backend)
    }

    func makeKVCache(blockCount: Int, blockSize: Int) throws -> KVCache {
        try KVCache(backend: backend, layers: decoder.layerCount, blockCount: blockCount, blockSize: blockSize,
                    kvHeads: decoder.kvHeads, headDim: decoder.headDim)
    }

    func encodeVision(patches: [Float], grid: VisionGrid) throws -> Tensor {
        try grid.validate(mergeSize: vision.mergeSize)
        guard patches.count == grid.patchCount * vision.patchRowLength else {
            throw ModelInputError.invalidVisionInput(
                "\(patches.count) patch values for grid \(grid.t)×\(grid.h)×\(grid.w) (need \(grid.patchCount) rows of \(vision.patchRowLength))")
        }
        let input = try backend.upload(patches, shape: [grid.patchCount, vision.patchRowLength], dtype: backend.activationType)
        return try vision.encode(input, grid: grid)
    }

    func mropePositions(promptTokenIds: [Int], items: [VisionPlacement]) throws -> MRoPEPositions {
        try indexer.positions(tokens: promptTokenIds, items: items)
    }

    func forward(_ step: ForwardStep, cache: KVCache) throws -> Logits {
        try step.validate(vocabularySize: decoder.vocabularySize, hiddenSize: decoder.hiddenSize, cache: cache,
                          activationType: backend.activationType)
        let hidden = try decoder.embed(step.tokenIds)
        for span in step.visionSpans where span.count > 0 {
            backend.copyRows(span.embeddings, rows: span.sourceRow ..< span.sourceRow + span.count, into: hidden, at: span.batchIndex)
        }
        return try decoder.run(hidden: hidden, step: step, cache: cache)
    }
}
