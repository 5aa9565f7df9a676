/// Greedy decoding on host logits: the engine's `Sampler` at temperature 0, tests and benchmarks.
public enum Greedy {
    /// Index of the largest logit, the first one on ties (as torch.argmax).
    public static func token(_ logits: ArraySlice<Float>) -> Int {
        logits.withUnsafeBufferPointer { values in
            var best = 0
            for i in 1 ..< max(values.count, 1) where values[i] > values[best] { best = i }
            return best
        }
    }
}
