import VLMCompute

/// One sequence's share of a step's flattened batch.
public struct StepSequence: Sendable, Equatable {
    /// Offset of its first new token in the step's `tokenIds`.
    public var queryStart: Int
    /// New tokens this step (a prefill chunk, or 1 for a decode).
    public var queryLength: Int
    /// Tokens already in the KV cache; attention covers `contextLength + queryLength` keys, causally.
    public var contextLength: Int
    /// KV blocks of the sequence in order; must cover `contextLength + queryLength` positions.
    public var blockTable: [Int32]

    public init(queryStart: Int, queryLength: Int, contextLength: Int, blockTable: [Int32]) {
        self.queryStart = queryStart
        self.queryLength = queryLength
        self.contextLength = contextLength
        self.blockTable = blockTable
    }
}

/// Vision embeddings that replace the text embeddings of a run of placeholder tokens: rows
/// `sourceRow ..< sourceRow + count` of one item's encoder output go to step tokens
/// `batchIndex ..< batchIndex + count`. An item's placeholders are contiguous in its prompt, so a
/// prefill chunk needs at most one span per item it overlaps.
public struct VisionSpan: Sendable {
    /// `encodeVision` output of one image or video, `[tokens, hidden]`.
    public var embeddings: Tensor
    public var sourceRow: Int
    public var batchIndex: Int
    public var count: Int

    public init(embeddings: Tensor, sourceRow: Int, batchIndex: Int, count: Int) {
        self.embeddings = embeddings
        self.sourceRow = sourceRow
        self.batchIndex = batchIndex
        self.count = count
    }
}

/// The input of one forward step over a flattened batch (prefill chunks and decodes mixed), in the
/// vLLM / nano-vllm style: T new tokens of all sequences concatenated.
public struct ForwardStep: Sendable {
    /// T new tokens.
    public var tokenIds: [Int32]
    /// `3 × T` M-RoPE positions, axis-major: `[t-axis T][h-axis T][w-axis T]`.
    public var positions: [Int32]
    public var sequences: [StepSequence]
    /// T cache slots (`block * blockSize + offset`) receiving the new tokens' keys and values.
    public var slotMapping: [Int32]
    public var visionSpans: [VisionSpan]
    /// Indices in T whose logits are wanted (the last new token of each sequence that samples).
    public var logitRows: [Int]

    public init(tokenIds: [Int32], positions: [Int32], sequences: [StepSequence], slotMapping: [Int32],
                visionSpans: [VisionSpan] = [], logitRows: [Int])
    {
        self.tokenIds = tokenIds
        self.positions = positions
        self.sequences = sequences
        self.slotMapping = slotMapping
        self.visionSpans = visionSpans
        self.logitRows = logitRows
    }
}

/// Logits of the requested rows, row-major `[rowCount, vocabularySize]` f32.
public struct Logits: Sendable {
    public let rowCount: Int
    public let vocabularySize: Int
    public let values: [Float]

    public init(rowCount: Int, vocabularySize: Int, values: [Float]) {
        precondition(values.count == rowCount * vocabularySize, "logits: \(values.count) values for \(rowCount) rows")
        self.rowCount = rowCount
        self.vocabularySize = vocabularySize
        self.values = values
    }

    public func row(_ index: Int) -> ArraySlice<Float> {
        values[index * vocabularySize ..< (index + 1) * vocabularySize]
    }
}

/// The paged KV cache: per layer a key and a value tensor `[blockCount, blockSize, kvHeads, headDim]` in
/// the backend's activation dtype. The engine's block manager owns the blocks; the model only reads and
/// writes the slots a step names.
public final class KVCache {
    public let blockCount: Int
    public let blockSize: Int
    public let keys: [Tensor]
    public let values: [Tensor]

    public init(backend: Backend, layers: Int, blockCount: Int, blockSize: Int, kvHeads: Int, headDim: Int) throws {
        self.blockCount = blockCount
        self.blockSize = blockSize
        let shape = [blockCount, blockSize, kvHeads, headDim]
        keys = try (0 ..< layers).map { _ in try backend.allocate(shape, backend.activationType) }
        values = try (0 ..< layers).map { _ in try backend.allocate(shape, backend.activationType) }
    }

    public var slotCount: Int { blockCount * blockSize }

    /// Bytes one block takes over all layers (keys and values), for sizing the pool.
    public static func bytesPerBlock(layers: Int, blockSize: Int, kvHeads: Int, headDim: Int, dtype: DType) -> Int {
        2 * layers * blockSize * kvHeads * headDim * dtype.byteSize
    }
}
