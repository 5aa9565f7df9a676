// What the engine needs from a model: one forward step over a flattened batch on a paged KV cache
// (contracts.md, "Model ↔ engine"), the vision encoder, and M-RoPE positions. The real conformance is a
// thin adapter over VLMModels; tests use a deterministic fake.

/// Runs the model for the engine. Called from the engine thread only.
public protocol ModelExecutor: AnyObject {
    /// The vision encoder's output for one item (`[tokenCount, hidden]` rows), kept opaque so the engine
    /// can cache it by content hash without knowing the tensor type.
    associatedtype VisionEmbeddings

    var vocabSize: Int { get }

    /// Creates the paged KV cache: per layer `[numBlocks, blockSize, numKVHeads, headDim]` for K and V.
    func allocateKVCache(numBlocks: Int, blockSize: Int) throws

    /// Encodes one image or video into its `tokenCount` embedding rows.
    func encodeVision(_ item: VisionItem) throws -> VisionEmbeddings

    /// M-RoPE positions of a prompt whose placeholders are already expanded (facts §5.3).
    func mropePositions(promptTokenIds: [Int], items: [VisionItem]) throws -> MRoPEPositions

    /// One forward step; returns `step.logitRows.count × vocabSize` logits, row-major.
    func execute(_ step: ModelStep<VisionEmbeddings>) throws -> [Float]
}

/// Positions of the prompt tokens on the three M-RoPE axes, and the offset that continues them:
/// a token at cache index `c ≥ prompt length` has position `c + ropeDelta` on every axis (facts §5.4).
public struct MRoPEPositions: Sendable, Equatable {
    public var temporal: [Int32]
    public var height: [Int32]
    public var width: [Int32]
    public var ropeDelta: Int

    public init(temporal: [Int32], height: [Int32], width: [Int32], ropeDelta: Int) {
        self.temporal = temporal
        self.height = height
        self.width = width
        self.ropeDelta = ropeDelta
    }

    public var count: Int { temporal.count }
}

/// One sequence's slice of a step.
public struct StepSequence: Sendable, Equatable {
    /// Offset of this sequence's first new token in the flattened batch.
    public var queryStart: Int
    public var queryLength: Int
    /// Tokens already in the KV cache; attention covers `contextLength + queryLength` keys, causal.
    public var contextLength: Int
    public var blockTable: [Int32]

    public init(queryStart: Int, queryLength: Int, contextLength: Int, blockTable: [Int32]) {
        self.queryStart = queryStart
        self.queryLength = queryLength
        self.contextLength = contextLength
        self.blockTable = blockTable
    }
}

/// A run of consecutive placeholder tokens in the batch whose input embeddings are rows of one vision item.
public struct VisionSpan<Embeddings> {
    /// First batch index (in `tokenIds`) to replace.
    public var batchStart: Int
    public var embeddings: Embeddings
    /// First row of `embeddings` to use; rows `rowStart ..< rowStart + count` go to consecutive tokens.
    public var rowStart: Int
    public var count: Int

    public init(batchStart: Int, embeddings: Embeddings, rowStart: Int, count: Int) {
        self.batchStart = batchStart
        self.embeddings = embeddings
        self.rowStart = rowStart
        self.count = count
    }
}

/// The input of one forward step: prefill chunks and decodes of all scheduled sequences, concatenated.
public struct ModelStep<Embeddings> {
    /// T new tokens.
    public var tokenIds: [Int32]
    /// 3 × T positions, axis-major: `[t-axis T][h-axis T][w-axis T]`.
    public var positions: [Int32]
    public var sequences: [StepSequence]
    /// T cache slots (`block * blockSize + offsetInBlock`) where the new tokens' K/V are written.
    public var slotMapping: [Int32]
    public var visionSpans: [VisionSpan<Embeddings>]
    /// Batch indices whose logits are wanted (the last token of each sequence that samples this step).
    public var logitRows: [Int]

    public init(tokenIds: [Int32], positions: [Int32], sequences: [StepSequence], slotMapping: [Int32],
                visionSpans: [VisionSpan<Embeddings>], logitRows: [Int])
    {
        self.tokenIds = tokenIds
        self.positions = positions
        self.sequences = sequences
        self.slotMapping = slotMapping
        self.visionSpans = visionSpans
        self.logitRows = logitRows
    }

    public var tokenCount: Int { tokenIds.count }
}
