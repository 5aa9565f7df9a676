// The real model behind `ModelExecutor`: a VLMModels model and the paged KV cache it reads and writes.
// A thin pass-through; every check of the step's shape happens in the model (StepValidation).

import VLMCompute
import VLMModels

public final class LoadedModelExecutor: ModelExecutor {
    public let model: VisionLanguageModel
    /// Bytes of the checkpoint's tensors, for the memory plan.
    public let weightBytes: Int
    private var cache: KVCache?

    public init(model: VisionLanguageModel, weightBytes: Int) {
        self.model = model
        self.weightBytes = weightBytes
    }

    /// Loads the checkpoint folder on `backend`.
    public convenience init(directory: String, backend: Backend) throws {
        self.init(model: try ModelRegistry.load(directory: directory, backend: backend),
                  weightBytes: try Self.checkpointBytes(directory: directory))
    }

    public static func checkpointBytes(directory: String) throws -> Int {
        let checkpoint = try Checkpoint(directory: directory)
        return try checkpoint.tensorNames.reduce(0) { $0 + (try checkpoint.tensor($1).byteCount) }
    }

    public var vocabSize: Int { model.properties.vocabularySize }

    public func allocateKVCache(numBlocks: Int, blockSize: Int) throws {
        cache = try model.makeKVCache(blockCount: numBlocks, blockSize: blockSize)
    }

    public func encodeVision(_ item: VisionItem) throws -> Tensor {
        try model.encodeVision(patches: item.patches, grid: VisionGrid(t: item.grid.t, h: item.grid.h, w: item.grid.w))
    }

    public func mropePositions(promptTokenIds: [Int], items: [VisionItem]) throws -> MRoPEPositions {
        try model.mropePositions(promptTokenIds: promptTokenIds, items: items.map {
            VisionPlacement(grid: VisionGrid(t: $0.grid.t, h: $0.grid.h, w: $0.grid.w), isVideo: $0.kind == .video,
                            secondPerGrid: $0.secondPerGrid)
        })
    }

    public func execute(_ step: ForwardStep) throws -> [Float] {
        guard let cache else { throw EngineInternalError(message: "execute before allocateKVCache") }
        return try model.forward(step, cache: cache).values
    }
}

extension EngineConfig {
    /// Settings for a loaded model: its placeholder and EOS token ids, and the flags' defaults.
    public init(properties: ModelProperties, maxModelLen: Int, numKVBlocks: Int) {
        self.init(maxModelLen: maxModelLen, numKVBlocks: numKVBlocks)
        imageTokenId = properties.imageTokenId
        videoTokenId = properties.videoTokenId
        eosTokenIds = properties.eosTokenIds
    }
}
