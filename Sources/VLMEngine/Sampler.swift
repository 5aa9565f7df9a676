// Turns one row of logits into the next token, in the order of vLLM's v1 Sampler: min_tokens masks the
// stop tokens, then repetition / frequency / presence penalties; greedy when temperature < 1e-5;
// otherwise temperature, min_p, top_k, top_p and a draw from the sequence's own generator. Returned
// log-probabilities are those of the raw logits (vLLM's default "raw_logprobs").

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
        var logits = Array(raw)
        let params = input.params
        if input.outputTokenIds.count < params.minTokens {
            for id in input.minTokensBlocked where logits.indices.contains(id) { logits[id] = -.infinity }
        }
        applyPenalties(&logits, input)

        let tokenId: Int
        if params.temperature < greedyTemperature {
            tokenId = argmax(logits)
        } else {
            let temperature = Float(params.temperature)
            for i in logits.indices { logits[i] /= temperature }
            if params.minP > 0 { applyMinP(&logits, Float(params.minP)) }
            if params.topK > 0, params.topK < logits.count { applyTopK(&logits, params.topK) }
            if params.topP < 1 { applyTopP(&logits, params.topP) }
            tokenId = draw(logits, generator: &generator)
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
            var seen = [Bool](repeating: false, count: vocab)
            for id in input.promptTokenIds where id < vocab { seen[id] = true }
            for id in input.outputTokenIds where id < vocab { seen[id] = true }
            for id in 0..<vocab where seen[id] {
                logits[id] = logits[id] > 0 ? logits[id] / penalty : logits[id] * penalty
            }
        }
        guard params.frequencyPenalty != 0 || params.presencePenalty != 0 else { return }
        var counts: [Int: Int] = [:]
        for id in input.outputTokenIds where id < vocab { counts[id, default: 0] += 1 }
        for (id, count) in counts {
            logits[id] -= Float(params.frequencyPenalty) * Float(count)
            logits[id] -= Float(params.presencePenalty)
        }
    }

    /// Keeps tokens whose probability is at least min_p times the largest probability.
    static func applyMinP(_ logits: inout [Float], _ minP: Float) {
        let probs = softmax(logits)
        let threshold = (probs.max() ?? 0) * Double(minP)
        for i in logits.indices where probs[i] < threshold { logits[i] = -.infinity }
    }

    /// Keeps tokens whose logit is at least the k-th largest (ties at the boundary are kept, as in vLLM).
    static func applyTopK(_ logits: inout [Float], _ k: Int) {
        var values = logits
        let kth = kthLargest(&values, k)
        for i in logits.indices where logits[i] < kth { logits[i] = -.infinity }
    }

    /// vLLM's top-p: sorted ascending, a token is dropped when the cumulative probability up to and
    /// including it is at most 1 − p; the most likely token always stays. A token with probability below
    /// (1 − p) / vocab is always dropped (its cumulative sum is below 1 − p), so only the others are sorted.
    static func applyTopP(_ logits: inout [Float], _ p: Double) {
        let probs = softmax(logits)
        let dropMass = 1 - p
        let cutoff = dropMass / Double(logits.count)
        var candidates: [Int] = []
        var cumulative = 0.0
        for i in probs.indices {
            if probs[i] < cutoff {
                cumulative += probs[i]
                logits[i] = -.infinity
            } else {
                candidates.append(i)
            }
        }
        candidates.sort { probs[$0] < probs[$1] || (probs[$0] == probs[$1] && $0 > $1) }
        for id in candidates.dropLast() {
            cumulative += probs[id]
            if cumulative <= dropMass { logits[id] = -.infinity } else { break }
        }
    }

    static func argmax(_ logits: [Float]) -> Int {
        var best = 0
        for i in logits.indices where logits[i] > logits[best] { best = i }
        return best
    }

    static func softmax(_ logits: [Float]) -> [Double] {
        let maxLogit = Double(logits.max() ?? 0)
        guard maxLogit.isFinite else { return logits.map { $0 == .infinity ? 1 : 0 } }
        var probs = logits.map { exp(Double($0) - maxLogit) }
        let total = probs.reduce(0, +)
        for i in probs.indices { probs[i] /= total }
        return probs
    }

    /// One draw from softmax(logits) by the inverse of the cumulative distribution, in token-id order.
    static func draw(_ logits: [Float], generator: inout SeededGenerator) -> Int {
        let probs = softmax(logits)
        let u = generator.nextUnitInterval()
        var cumulative = 0.0
        var last = argmax(logits)
        for i in probs.indices where probs[i] > 0 {
            cumulative += probs[i]
            last = i
            if cumulative > u { return i }
        }
        return last
    }

    /// Log-probability of the chosen token and the `top` most likely ones under the raw logits
    /// (best first, ties to the lower id).
    static func rawLogprobs(_ raw: ArraySlice<Float>, tokenId: Int, top: Int) -> TokenLogprob {
        let row = Array(raw)
        let maxLogit = Double(row.max() ?? 0)
        let logSum = maxLogit + log(row.reduce(0.0) { $0 + exp(Double($1) - maxLogit) })
        func logprob(_ id: Int) -> Float { Float(Double(row[id]) - logSum) }
        var best: [Int] = []
        for id in row.indices where best.count < top || row[id] > row[best[best.count - 1]] {
            let slot = best.firstIndex { row[id] > row[$0] } ?? best.count
            best.insert(id, at: slot)
            if best.count > top { best.removeLast() }
        }
        return TokenLogprob(tokenId: tokenId, logprob: logprob(tokenId), top: best.map { ($0, logprob($0)) })
    }

    /// The k-th largest value (1-based) by quickselect; reorders `values`.
    static func kthLargest(_ values: inout [Float], _ k: Int) -> Float {
        var low = 0, high = values.count - 1
        let target = k - 1
        while low < high {
            let pivot = values[(low + high) / 2]
            var i = low, j = high
            while i <= j {
                while values[i] > pivot { i += 1 }
                while values[j] < pivot { j -= 1 }
                if i <= j {
                    values.swapAt(i, j)
                    i += 1
                    j -= 1
                }
            }
            if target <= j { high = j } else if target >= i { low = i } else { break }
        }
        return values[target]
    }
}
