#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How to pick the next token from a row of logits.
public struct SamplingSettings: Sendable, Equatable {
    /// 0: greedy (argmax).
    public var temperature: Float
    /// Keep the k most likely tokens; 0 or negative: all.
    public var topK: Int
    /// Keep the smallest set of most likely tokens whose probability reaches p; 1: all.
    public var topP: Float

    public init(temperature: Float = 0, topK: Int = 0, topP: Float = 1) {
        self.temperature = temperature
        self.topK = topK
        self.topP = topP
    }

    public var isGreedy: Bool { temperature <= 0 || topK == 1 }
}

/// Host-side sampling over f32 logits: greedy, or temperature → top-k → top-p → a draw from a seeded
/// SplitMix64 stream (the same seed gives the same tokens).
public struct TokenSampler: Sendable {
    private var state: UInt64

    public init(seed: UInt64) {
        state = seed
    }

    /// Index of the largest logit (the first one on ties, as torch.argmax).
    public static func argmax(_ logits: ArraySlice<Float>) -> Int {
        logits.withUnsafeBufferPointer { values in
            var best = 0
            for i in 1 ..< max(values.count, 1) where values[i] > values[best] { best = i }
            return best
        }
    }

    public mutating func sample(_ logits: ArraySlice<Float>, settings: SamplingSettings) -> Int {
        if settings.isGreedy || logits.count < 2 { return Self.argmax(logits) }
        // Candidates by decreasing logit: all of them, or the top k.
        var order = Array(0 ..< logits.count)
        let base = logits.startIndex
        let k = settings.topK > 0 ? min(settings.topK, logits.count) : logits.count
        order.sort { logits[base + $0] > logits[base + $1] || (logits[base + $0] == logits[base + $1] && $0 < $1) }
        order.removeSubrange(k...)
        let top = logits[base + order[0]]
        var probabilities = order.map { Double(expf((logits[base + $0] - top) / settings.temperature)) }
        let total = probabilities.reduce(0, +)
        var kept = probabilities.count, cumulative = 0.0
        for (i, p) in probabilities.enumerated() {
            cumulative += p / total
            if cumulative >= Double(settings.topP) {
                kept = i + 1
                break
            }
        }
        probabilities.removeSubrange(kept...)
        var draw = nextUniform() * probabilities.reduce(0, +)
        for (i, p) in probabilities.enumerated() {
            draw -= p
            if draw < 0 { return order[i] }
        }
        return order[kept - 1]
    }

    /// Uniform in [0, 1) from SplitMix64.
    private mutating func nextUniform() -> Double {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return Double(z >> 11) * 0x1.0p-53
    }
}
