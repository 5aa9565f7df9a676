// What the engine needs from a model: one forward step over a flattened batch on a paged KV cache
// (VLMModels' ForwardStep, contracts.md "Model ↔ engine"), the vision encoder, and M-RoPE positions. The
// real conformance is `LoadedModelExecutor`; tests use a deterministic fake.

import VLMCompute
import VLMModels

/// Runs the model for the engine. Called from the engine thread only.
public protocol ModelExecutor: AnyObject {
    var vocabSize: Int { get }

    /// Creates the paged KV cache: per layer `[numBlocks, blockSize, numKVHeads, headDim]` for K and V.
    func allocateKVCache(numBlocks: Int, blockSize: Int) throws

    /// Encodes one image or video into its `[tokenCount, hidden]` embedding rows.
    func encodeVision(_ item: VisionItem) throws -> Tensor

    /// M-RoPE positions of a prompt whose placeholders are already expanded (facts §5.3); a token at
    /// cache index `c ≥ prompt length` has position `c + ropeDelta` on every axis (facts §5.4).
    func mropePositions(promptTokenIds: [Int], items: [VisionItem]) throws -> MRoPEPositions

    /// One forward step; returns `step.logitRows.count × vocabSize` logits, row-major.
    func execute(_ step: ForwardStep) throws -> [Float]
}
