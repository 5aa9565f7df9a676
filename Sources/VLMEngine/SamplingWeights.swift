// Random sampling over one row: the unnormalized probabilities exp(logit/T − max/T) of the candidate
// tokens, truncated by top_k, min_p and top_p exactly as vLLM masks logits with −inf (a dropped token gets
// weight 0), then one draw. Working on weights avoids a softmax per filter and keeps every filter O(vocab);
// with top_k only the k candidates get weights at all (Qwen2-VL's generation config sets top_k = 1).

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

struct SamplingWeights {
    /// Candidate token ids, ascending.
    private(set) var ids: [Int]
    private(set) var weights: [Float]

    /// All tokens, or with `topK` only those whose logit is at least the k-th largest (vLLM's top_k: ties at
    /// the boundary stay). top_k and min_p commute (min_p only drops a tail of the order), so top_k first.
    init(logits: [Float], temperature: Float, topK: Int? = nil) {
        let scaled = logits.map { $0 / temperature }
        let top = scaled.max() ?? 0
        if let topK, topK < scaled.count {
            var scratch = scaled
            let kth = topK == 1 ? top : Self.kthLargest(&scratch, topK)
            ids = scaled.indices.filter { scaled[$0] >= kth }
        } else {
            ids = Array(scaled.indices)
        }
        weights = top.isFinite ? ids.map { exp(scaled[$0] - top) } : ids.map { scaled[$0] == top ? 1 : 0 }
    }

    /// vLLM's min_p: drop tokens whose probability is below min_p × the top probability; the top token's
    /// weight is 1, so that is a weight below min_p.
    mutating func keepAtLeast(fractionOfTop minP: Float) {
        for i in weights.indices where weights[i] < minP { weights[i] = 0 }
    }

    /// vLLM's top_p on the probabilities left by the earlier filters: sorted ascending, a token is dropped
    /// when the cumulative probability up to and including it is at most 1 − p, i.e. when the mass of the
    /// tokens above it is at least p (ties: the lower id counts as above). Instead of sorting the vocab,
    /// weights are bucketed by their float exponent and top mantissa bits (monotonic for positive floats):
    /// buckets wholly above the crossing point stay, those below go, and only the crossing bucket is sorted.
    mutating func keepNucleus(_ p: Double) {
        let bucketCount = 4096
        func bucket(_ weight: Float) -> Int { min(Int(weight.bitPattern >> 19), bucketCount - 1) }
        var mass = [Double](repeating: 0, count: bucketCount)
        var total = 0.0
        for weight in weights where weight > 0 {
            mass[bucket(weight)] += Double(weight)
            total += Double(weight)
        }
        let limit = p * total
        var above = 0.0
        var crossing = bucketCount - 1
        while crossing > 0 && above + mass[crossing] < limit {
            above += mass[crossing]
            crossing -= 1
        }
        var members: [Int] = []
        for i in weights.indices where weights[i] > 0 {
            let b = bucket(weights[i])
            if b < crossing { weights[i] = 0 } else if b == crossing { members.append(i) }
        }
        members.sort { weights[$0] > weights[$1] || (weights[$0] == weights[$1] && $0 < $1) }
        for i in members {
            if above < limit { above += Double(weights[i]) } else { weights[i] = 0 }
        }
    }

    /// One draw by the inverse of the cumulative distribution, in token-id order.
    func draw(_ generator: inout SeededGenerator) -> Int {
        let total = weights.reduce(0.0) { $0 + Double($1) }
        let target = generator.nextUnitInterval() * total
        var cumulative = 0.0
        var last = ids.first ?? 0
        for i in weights.indices where weights[i] > 0 {
            cumulative += Double(weights[i])
            last = ids[i]
            if cumulative > target { return ids[i] }
        }
        return last
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
