import VLMCompute

/// An image or video ready for the model: patches `[grid.patchCount × patchRowLength]` row-major.
public struct VisionInput: Sendable {
    public var isVideo: Bool
    public var patches: [Float]
    public var grid: VisionGrid
    /// Qwen2.5-VL videos: `temporal_patch_size / fps`; 0 for images.
    public var secondPerGrid: Double

    public init(isVideo: Bool, patches: [Float], grid: VisionGrid, secondPerGrid: Double = 0) {
        self.isVideo = isVideo
        self.patches = patches
        self.grid = grid
        self.secondPerGrid = secondPerGrid
    }
}

/// Runs one sequence through the model's batched step API on its own paged KV cache: the same path the
/// engine uses, with a batch of one. `vlm generate` and the model tests drive it.
public final class SequenceRunner {
    public let model: VisionLanguageModel
    public let promptTokenIds: [Int]
    public let positions: MRoPEPositions
    /// Tokens in the KV cache so far.
    public private(set) var length = 0
    public let capacity: Int
    private let cache: KVCache
    private let blockTable: [Int32]
    private let blockSize: Int
    /// Per vision item: its encoder output and the prompt index of its first placeholder.
    private var vision: [(embeddings: Tensor, start: Int)] = []

    /// `capacity`: most tokens (prompt + generated) the sequence may hold.
    public init(model: VisionLanguageModel, promptTokenIds: [Int], vision: [VisionInput], capacity: Int, blockSize: Int = 16) throws {
        guard !promptTokenIds.isEmpty else { throw ModelInputError.invalidStep("the prompt is empty") }
        guard capacity >= promptTokenIds.count, blockSize > 0 else {
            throw ModelInputError.invalidStep("capacity \(capacity) is below the prompt's \(promptTokenIds.count) tokens")
        }
        self.model = model
        self.promptTokenIds = promptTokenIds
        self.capacity = capacity
        self.blockSize = blockSize
        positions = try model.mropePositions(
            promptTokenIds: promptTokenIds,
            items: vision.map { VisionPlacement(grid: $0.grid, isVideo: $0.isVideo, secondPerGrid: $0.secondPerGrid) })
        let blocks = (capacity + blockSize - 1) / blockSize
        cache = try model.makeKVCache(blockCount: blocks, blockSize: blockSize)
        blockTable = (0 ..< blocks).map { Int32($0) }
        let placeholders = Set([model.properties.imageTokenId, model.properties.videoTokenId])
        var index = 0
        for item in vision {
            // mropePositions checked that each item's placeholders are a run of the right length, in order.
            while !placeholders.contains(promptTokenIds[index]) { index += 1 }
            self.vision.append((try model.encodeVision(patches: item.patches, grid: item.grid), index))
            index += item.grid.patchCount / model.properties.patchesPerToken
        }
    }

    /// Runs the prompt, `chunkSize` tokens per step (the whole prompt when nil), and returns the logits of
    /// its last position.
    public func prefill(chunkSize: Int? = nil) throws -> ArraySlice<Float> {
        let total = promptTokenIds.count
        let chunk = max(1, chunkSize ?? total)
        var logits: Logits?
        while length < total {
            let end = min(total, length + chunk)
            let spans = vision.compactMap { item -> VisionSpan? in
                let first = max(item.start, length), last = min(item.start + item.embeddings.rowCount, end)
                guard first < last else { return nil }
                return VisionSpan(embeddings: item.embeddings, sourceRow: first - item.start, batchIndex: first - length, count: last - first)
            }
            let count = positions.count
            let stepPositions = (0 ..< 3).flatMap { axis in positions.positions[axis * count + length ..< axis * count + end] }
            logits = try step(tokens: promptTokenIds[length ..< end].map { Int32($0) }, positions: stepPositions, spans: spans,
                              wantLogits: end == total)
        }
        guard let logits else { throw ModelInputError.invalidStep("the prompt was already run") }
        return logits.row(0)
    }

    /// Appends a generated token and returns the logits for the next one.
    public func decode(_ token: Int) throws -> ArraySlice<Float> {
        guard length >= promptTokenIds.count else { throw ModelInputError.invalidStep("decode before the prompt ran") }
        guard length < capacity else { throw ModelInputError.invalidStep("the sequence is full (\(capacity) tokens)") }
        let position = Int32(length + positions.ropeDelta)
        return try step(tokens: [Int32(token)], positions: [position, position, position], spans: [], wantLogits: true).row(0)
    }

    private func step(tokens: [Int32], positions: [Int32], spans: [VisionSpan], wantLogits: Bool) throws -> Logits {
        let slots = (length ..< length + tokens.count).map { blockTable[$0 / blockSize] * Int32(blockSize) + Int32($0 % blockSize) }
        let step = ForwardStep(
            tokenIds: tokens, positions: positions,
            sequences: [StepSequence(queryStart: 0, queryLength: tokens.count, contextLength: length, blockTable: blockTable)],
            slotMapping: slots, visionSpans: spans, logitRows: wantLogits ? [tokens.count - 1] : [])
        let logits = try model.forward(step, cache: cache)
        length += tokens.count
        return logits
    }
}
