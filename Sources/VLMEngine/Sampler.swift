// Turns one row of logits into the next token, in the order of vLLM's v1 Sampler: min_tokens masks the
// stop tokens, then repetition / frequency / presence penalties; greedy when temperature < 1e-5;
// otherwise temperature, top_k, min_p, top_p (SamplingWeights) and a draw from the sequence's own
// generator. Returned log-probabilities are those of the raw logits (vLLM's default "raw_logprobs").

import VLMCompute

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

struct SampledToken {
    var tokenId: Int
    var logprob: TokenLogprob?
}

/// Everything about one sequence the sampler reads.
struct SamplingInput {
    var params: SamplingParams
    var promptTokenIds: ArraySlice<Int>
    var outputTokenIds: ArraySlice<Int>
    /// Token ids min_tokens keeps from being sampled (stop token ids and EOS ids).
    var minTokensBlocked: [Int]
}

enum Sampler {
    static let greedyTemperature = 1e-5

    static func sample(_ raw: ArraySlice<Float>, _ input: SamplingInput, generator: inout SeededGenerator) -> SampledToken {
        let params = input.params
        let blocksStops = input.outputTokenIds.count < params.minTokens && !input.minTokensBlocked.isEmpty
        let penalized = params.repetitionPenalty != 1 || params.frequencyPenalty != 0 || params.presencePenalty != 0
        let tokenId: Int
        if !blocksStops && !penalized && params.temperature < greedyTemperature {
            tokenId = Greedy.token(raw)
        } else {
            var logits = Array(raw)
            if blocksStops {
                for id in input.minTokensBlocked where logits.indices.contains(id) { logits[id] = -.infinity }
            }
            if penalized { applyPenalties(&logits, input) }
            if params.temperature < greedyTemperature {
                tokenId = Greedy.token(logits[...])
            } else {
                var weights = SamplingWeights(logits: logits, temperature: Float(params.temperature),
                                              topK: params.topK > 0 ? params.topK : nil)
                if params.minP > 0 { weights.keepAtLeast(fractionOfTop: Float(params.minP)) }
                if params.topP < 1 { weights.keepNucleus(params.topP) }
                tokenId = weights.draw(&generator)
            }
        }
        let logprob = params.logprobs.map { rawLogprobs(raw, tokenId: tokenId, top: $0) }
        return SampledToken(tokenId: tokenId, logprob: logprob)
    }

    /// vLLM's apply_penalties: repetition divides positive / multiplies negative logits of every token
    /// seen in the prompt or output; frequency and presence subtract per output occurrence / once.
    static func applyPenalties(_ logits: inout [Float], _ input: SamplingInput) {
        let params = input.params
        let vocab = logits.count
        if params.repetitionPenalty != 1 {
            let penalty = Float(params.repetitionPenalty)
            for id in Set(input.promptTokenIds).union(input.outputTokenIds) where id >= 0 && id < vocab {
                logits[id] = logits[id] > 0 ? logits[id] / penalty : logits[id] * penalty
            }
        }
        guard params.frequencyPenalty != 0 || params.presencePenalty != 0 else { return }
        var counts: [Int: Int] = [:]
        for id in input.outputTokenIds where id >= 0 && id < vocab { counts[id, default: 0] += 1 }
        for (id, count) in counts {
            logits[id] -= Float(params.frequencyPenalty) * Float(count)
            logits[id] -= Float(params.presencePenalty)
        }
    }

    /// Log-probability of the chosen token and the `top` most likely ones under the raw logits
    /// (best first, ties to the lower id).
    static func rawLogprobs(_ raw: ArraySlice<Float>, tokenId: Int, top: Int) -> TokenLogprob {
        let row = Array(raw)
        let maxLogit = row.max() ?? 0
        let sum = row.reduce(0.0) { $0 + Double(exp($1 - maxLogit)) }
        let logSum = Double(maxLogit) + log(sum)
        func logprob(_ id: Int) -> Float { Float(Double(row[id]) - logSum) }
        var best: [Int] = []
        // top == 0 (`logprobs: true` without `top_logprobs`): the chosen token's logprob only.
        for id in row.indices where top > 0 && (best.count < top || row[id] > row[best[best.count - 1]]) {
            let slot = best.firstIndex { row[id] > row[$0] } ?? best.count
            best.insert(id, at: slot)
            if best.count > top { best.removeLast() }
        }
        return TokenLogprob(tokenId: tokenId, logprob: logprob(tokenId), top: best.map { ($0, logprob($0)) })
    }
}
