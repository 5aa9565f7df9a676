// Lays the scheduled chunks out as one flattened model step (nano-vllm's prepare_prefill/prepare_decode
// merged, since a step mixes both): token ids, M-RoPE positions, slot mapping, per-sequence metadata,
// the vision embedding rows to inject, and which rows need logits.

import VLMModels

struct StepPlan {
    var step: ForwardStep
    /// The sequences that sample this step, in `step.logitRows` order.
    var samplers: [SequenceState]
}

/// A broken engine invariant; the engine stops (it is never the user's fault).
public struct EngineInternalError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { "internal engine error: \(message)" }
}

extension ScheduledChunk {
    var tokenRange: Range<Int> { sequence.numComputedTokens ..< sequence.numComputedTokens + numNewTokens }

    /// Vision items with placeholder tokens in this chunk.
    var visionItems: [PlacedVisionItem] { sequence.vision.filter { $0.overlaps(tokenRange) } }
}

enum StepInputBuilder {
    static func build(_ output: SchedulerOutput, blockSize: Int, encoderCache: EncoderCache) throws -> StepPlan {
        let total = output.numBatchedTokens
        var tokenIds: [Int32] = [], slots: [Int32] = []
        var temporal: [Int32] = [], height: [Int32] = [], width: [Int32] = []
        tokenIds.reserveCapacity(total)
        slots.reserveCapacity(total)
        var sequences: [StepSequence] = []
        var spans: [VisionSpan] = []
        var logitRows: [Int] = []
        var samplers: [SequenceState] = []

        for chunk in output.chunks {
            let sequence = chunk.sequence
            let range = chunk.tokenRange
            let queryStart = tokenIds.count
            for index in range {
                tokenIds.append(Int32(truncatingIfNeeded: sequence.tokenIds[index]))
                let position = sequence.position(at: index)
                temporal.append(position.t)
                height.append(position.h)
                width.append(position.w)
                slots.append(Int32(sequence.blockTable[index / blockSize] * blockSize + index % blockSize))
            }
            sequences.append(StepSequence(queryStart: queryStart, queryLength: chunk.numNewTokens,
                                          contextLength: range.lowerBound, blockTable: sequence.blockTable.map { Int32($0) }))
            for placed in chunk.visionItems {
                guard let embeddings = encoderCache.embeddings(placed.item.contentHash) else {
                    throw EngineInternalError(message: "vision embeddings of \(placed.item.contentHash) are missing")
                }
                let first = max(range.lowerBound, placed.offset), end = min(range.upperBound, placed.end)
                spans.append(VisionSpan(embeddings: embeddings, sourceRow: first - placed.offset,
                                        batchIndex: queryStart + first - range.lowerBound, count: end - first))
            }
            if range.upperBound == sequence.numTokens {
                logitRows.append(tokenIds.count - 1)
                samplers.append(sequence)
            }
        }
        let step = ForwardStep(tokenIds: tokenIds, positions: temporal + height + width, sequences: sequences,
                               slotMapping: slots, visionSpans: spans, logitRows: logitRows)
        return StepPlan(step: step, samplers: samplers)
    }
}
