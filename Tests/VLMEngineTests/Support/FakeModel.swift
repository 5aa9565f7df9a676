// A deterministic stand-in for the model: the "KV" of a token is a hash of its input (token id, or its
// vision embedding row) and its three positions; the logits of a row are a hash of every KV entry the
// row attends to, read back through the block table. So a wrong slot, block table, position, prefix-cache
// hit or injected embedding changes the tokens, and `FakeModel.referenceGreedy` (computed from scratch,
// without any cache) says what they must be.

import VLMCompute
@testable import VLMEngine
import VLMModels

enum FakeModel {
    static let vocabSize = 64
    static let imageTokenId = 60
    static let videoTokenId = 61
    /// The tokenizer's EOS, then another EOS id of the generation config.
    static let eosTokenIds = [62, 63]

    static func mix(_ a: UInt64, _ b: UInt64) -> UInt64 {
        var z = a &+ 0x9E37_79B9_7F4A_7C15 &+ (b &* 0xBF58_476D_1CE4_E5B9)
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    static func kvEntry(input: UInt64, t: Int32, h: Int32, w: Int32) -> UInt64 {
        mix(mix(mix(input, UInt64(bitPattern: Int64(t))), UInt64(bitPattern: Int64(h))), UInt64(bitPattern: Int64(w)))
    }

    /// Logits of the last of `entries` attending to all of them; values in [-5, 5).
    static func logits(attendingTo entries: [UInt64]) -> [Float] {
        let context = entries.reduce(UInt64(17)) { mix($0, $1) }
        return (0..<vocabSize).map { Float(mix(context, UInt64($0)) % 10_000) / 1000 - 5 }
    }

    static func tokenInput(_ tokenId: Int) -> UInt64 { UInt64(tokenId) }

    /// The one-float embedding rows of an item: they depend on the pixels, so two images differ (24-bit
    /// integers, exact in Float).
    static func embeddingValues(_ item: VisionItem) -> [Float] {
        let content = item.patches.reduce(UInt64(99)) { mix($0, UInt64($1.bitPattern)) }
        return (0..<item.tokenCount).map { Float(UInt32(truncatingIfNeeded: mix(content, UInt64($0))) >> 8) }
    }

    /// The input of a placeholder token whose embedding row is `value` (never a token id's input).
    static func visionInput(_ value: Float) -> UInt64 { UInt64(value) | (1 << 40) }

    /// Qwen2-VL's get_rope_index shape (facts §5.3) on a small scale: text continues at max + 1 after a
    /// vision block, whose tokens get (t, h, w) grid positions.
    static func positions(promptTokenIds: [Int], items: [VisionItem]) -> MRoPEPositions {
        var t: [Int32] = [], h: [Int32] = [], w: [Int32] = []
        var next: Int32 = 0
        var index = 0
        var itemIndex = 0
        while index < promptTokenIds.count {
            let token = promptTokenIds[index]
            if (token == imageTokenId || token == videoTokenId) && itemIndex < items.count {
                let grid = items[itemIndex].grid
                let (gt, gh, gw) = (grid.t, grid.h / 2, grid.w / 2)
                for tt in 0..<gt { for hh in 0..<gh { for ww in 0..<gw {
                    t.append(next + Int32(tt)); h.append(next + Int32(hh)); w.append(next + Int32(ww))
                } } }
                next += Int32(max(gt, gh, gw))
                index += gt * gh * gw
                itemIndex += 1
            } else {
                t.append(next); h.append(next); w.append(next)
                next += 1
                index += 1
            }
        }
        return MRoPEPositions(positions: t + h + w, ropeDelta: Int(next) - promptTokenIds.count)
    }

    /// The tokens greedy decoding must give, from scratch: no cache, no batch.
    static func referenceGreedy(_ request: EngineRequest, maxTokens: Int) -> [Int] {
        let positions = positions(promptTokenIds: request.promptTokenIds, items: request.visionItems)
        var inputs = request.promptTokenIds.map(tokenInput)
        var offset = 0
        for item in request.visionItems {
            let pad = item.kind == .image ? imageTokenId : videoTokenId
            offset = request.promptTokenIds[offset...].firstIndex(of: pad) ?? offset
            for (row, value) in embeddingValues(item).enumerated() { inputs[offset + row] = visionInput(value) }
            offset += item.tokenCount
        }
        var entries = inputs.indices.map {
            kvEntry(input: inputs[$0], t: positions.position(at: $0).t, h: positions.position(at: $0).h, w: positions.position(at: $0).w)
        }
        var output: [Int] = []
        while output.count < maxTokens {
            let token = Greedy.token(logits(attendingTo: entries)[...])
            output.append(token)
            if !request.sampling.ignoreEOS && eosTokenIds.contains(token) { break }
            let p = Int32(entries.count + positions.ropeDelta)
            entries.append(kvEntry(input: tokenInput(token), t: p, h: p, w: p))
        }
        return output
    }
}

/// Reads and writes its "KV cache" strictly through the step's slot mapping and block tables, and checks
/// the step against the contract (slots agree with block tables, positions with the prompt's M-RoPE).
final class FakeExecutor: ModelExecutor {
    struct StepRecord {
        var tokenCount: Int
        var sequenceCount: Int
        var decodeCount: Int
    }

    let vocabSize = FakeModel.vocabSize
    private let backend = CPUBackend()
    private var slots: [UInt64?] = []
    private var blockSize = 0
    private(set) var steps: [StepRecord] = []
    private(set) var encodedItems: [String] = []
    /// Set to make `execute` fail (to test engine failure handling).
    var failNextStep = false
    /// Called at the start of every step (tests use it to hold the engine thread).
    var beforeStep: (() -> Void)?

    func allocateKVCache(numBlocks: Int, blockSize: Int) throws {
        slots = Array(repeating: nil, count: numBlocks * blockSize)
        self.blockSize = blockSize
    }

    func encodeVision(_ item: VisionItem) throws -> Tensor {
        encodedItems.append(item.contentHash)
        return try backend.upload(FakeModel.embeddingValues(item), shape: [item.tokenCount, 1], dtype: .f32)
    }

    func mropePositions(promptTokenIds: [Int], items: [VisionItem]) throws -> MRoPEPositions {
        FakeModel.positions(promptTokenIds: promptTokenIds, items: items)
    }

    func execute(_ step: ForwardStep) throws -> [Float] {
        beforeStep?()
        if failNextStep { throw FakeFailure() }
        let count = step.tokenIds.count
        var inputs = step.tokenIds.map { FakeModel.tokenInput(Int($0)) }
        for span in step.visionSpans {
            let rows = try backend.download(span.embeddings)
            for k in 0..<span.count { inputs[span.batchIndex + k] = FakeModel.visionInput(rows[span.sourceRow + k]) }
        }
        // Write every new token's entry first (a real model writes a layer's K/V before attending).
        for sequence in step.sequences {
            for k in 0..<sequence.queryLength {
                let index = sequence.queryStart + k, cacheIndex = sequence.contextLength + k
                let expected = Int(sequence.blockTable[cacheIndex / blockSize]) * blockSize + cacheIndex % blockSize
                guard Int(step.slotMapping[index]) == expected else { throw FakeFailure() }
                slots[expected] = FakeModel.kvEntry(input: inputs[index], t: step.positions[index],
                                                    h: step.positions[count + index], w: step.positions[2 * count + index])
            }
        }
        var logits: [Float] = []
        for row in step.logitRows {
            guard let sequence = step.sequences.first(where: { $0.queryStart <= row && row < $0.queryStart + $0.queryLength })
            else { throw FakeFailure() }
            let keys = sequence.contextLength + (row - sequence.queryStart) + 1
            var entries: [UInt64] = []
            for i in 0..<keys {
                guard let entry = slots[Int(sequence.blockTable[i / blockSize]) * blockSize + i % blockSize] else { throw FakeFailure() }
                entries.append(entry)
            }
            logits += FakeModel.logits(attendingTo: entries)
        }
        steps.append(StepRecord(tokenCount: count, sequenceCount: step.sequences.count,
                                decodeCount: step.sequences.filter { $0.queryLength == 1 && $0.contextLength > 0 }.count))
        return logits
    }
}

struct FakeFailure: Error {}

/// Token v reads "<v>", so text boundaries are visible in stop-string tests.
struct BracketDetokenizers: IncrementalDetokenizerFactory {
    struct Decoder: IncrementalDetokenizer {
        mutating func add(_ tokenId: Int) -> String { "<\(tokenId)>" }
    }

    func makeDetokenizer(skipSpecialTokens: Bool) -> any IncrementalDetokenizer { Decoder() }
}
