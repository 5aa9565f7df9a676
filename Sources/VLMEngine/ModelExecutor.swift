// What the engine needs from a model: one forward step over a flattened batch on a paged KV cache
// (contracts.md, "Model ↔ engine"), the vision encoder, and M-RoPE positions. The real conformance is
// `LoadedModelExecutor` over VLMModels; tests use a deterministic fake. Per-sequence metadata and M-RoPE
// positions are VLMModels' own types; only the vision embeddings stay generic.

import VLMModels

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

    /// M-RoPE positions of a prompt whose placeholders are already expanded (facts §5.3); a token at
    /// cache index `c ≥ prompt length` has position `c + ropeDelta` on every axis (facts §5.4).
    func mropePositions(promptTokenIds: [Int], items: [VisionItem]) throws -> MRoPEPositions

    /// One forward step; returns `step.logitRows.count × vocabSize` logits, row-major.
    func execute(_ step: ModelStep<VisionEmbeddings>) throws -> [Float]
}

/// A run of consecutive placeholder tokens in the batch whose input embeddings are rows of one vision item.
public struct EmbeddingSpan<Embeddings> {
    public var embeddings: Embeddings
    /// Rows `sourceRow ..< sourceRow + count` of `embeddings` replace the inputs of batch tokens
    /// `batchIndex ..< batchIndex + count`.
    public var sourceRow: Int
    public var batchIndex: Int
    public var count: Int

    public init(embeddings: Embeddings, sourceRow: Int, batchIndex: Int, count: Int) {
        self.embeddings = embeddings
        self.sourceRow = sourceRow
        self.batchIndex = batchIndex
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
    public var visionSpans: [EmbeddingSpan<Embeddings>]
    /// Batch indices whose logits are wanted (the last token of each sequence that samples this step).
    public var logitRows: [Int]

    public init(tokenIds: [Int32], positions: [Int32], sequences: [StepSequence], slotMapping: [Int32],
                visionSpans: [EmbeddingSpan<Embeddings>], logitRows: [Int])
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
