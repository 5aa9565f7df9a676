import VLMCompute
import VLMModels

/// A whole checkpoint through the device backend and the CPU reference: a prompt with one image (random
/// text ids, random patches), prefill, then greedy decoding. With f32 activations the tokens must be the
/// same and the logits within fp32 rounding; with bf16 the first token must agree and the prefill logits
/// stay within bf16 error of the reference.
public enum TinyModelCheck {
    public static func run(modelDirectory: String, device: Backend, seed: UInt64, steps: Int = 8) -> [CheckResult] {
        let name = modelDirectory.split(separator: "/").last.map(String.init) ?? modelDirectory
        let dtype = device.activationType.rawValue
        do {
            let cpuModel = try ModelRegistry.load(directory: modelDirectory, backend: CPUBackend())
            let deviceModel = try ModelRegistry.load(directory: modelDirectory, backend: device)
            let (prompt, image) = makePrompt(cpuModel.properties, seed: seed)
            let expected = try generate(cpuModel, prompt: prompt, image: image, steps: steps)
            let actual = try generate(deviceModel, prompt: prompt, image: image, steps: steps)
            let error = relativeError(actual.prefillLogits, expected.prefillLogits)
            let sameTokens = zip(expected.tokens, actual.tokens).prefix { $0 == $1 }.count
            let strict = device.activationType == .f32
            let tolerance = strict ? 1e-4 : 5e-2
            let passed = error <= tolerance && (strict ? sameTokens == steps : sameTokens >= 1)
            let note = "greedy tokens identical for \(sameTokens)/\(steps) steps" + (passed ? "" : "; reference \(expected.tokens), device \(actual.tokens)")
            return [CheckResult(operation: "tiny model end to end", shape: "\(name), \(prompt.count)-token prompt with a \(image.grid.t)×\(image.grid.h)×\(image.grid.w) image",
                                dtype: dtype, relativeError: error, tolerance: tolerance, passed: passed, note: note)]
        } catch {
            return [CheckResult(operation: "tiny model end to end", shape: name, dtype: dtype, relativeError: nil, tolerance: nil, passed: false,
                                note: "\(error)")]
        }
    }

    /// Ten text tokens, the image's placeholders between vision start / end, five more text tokens.
    static func makePrompt(_ properties: ModelProperties, seed: UInt64) -> ([Int], VisionInput) {
        var random = RandomSource(seed: seed)
        let grid = VisionGrid(t: 1, h: 8, w: 12)
        let text = { (count: Int) in (0 ..< count).map { _ in random.below(151_000) } }
        let placeholders = [Int](repeating: properties.imageTokenId, count: grid.patchCount / properties.patchesPerToken)
        let prompt = text(10) + [properties.visionStartTokenId] + placeholders + [properties.visionStartTokenId + 1] + text(5)
        let patches = (0 ..< grid.patchCount * properties.patchRowLength).map { _ in random.signed() }
        return (prompt, VisionInput(isVideo: false, patches: patches, grid: grid))
    }

    private static func generate(_ model: VisionLanguageModel, prompt: [Int], image: VisionInput, steps: Int) throws -> (tokens: [Int], prefillLogits: [Float]) {
        let runner = try SequenceRunner(model: model, promptTokenIds: prompt, vision: [image], capacity: prompt.count + steps)
        let prefill = Array(try runner.prefill())
        var logits = prefill[...]
        var tokens: [Int] = []
        for step in 0 ..< steps {
            tokens.append(Greedy.token(logits))
            if step + 1 < steps { logits = try runner.decode(tokens[step]) }
        }
        return (tokens, prefill)
    }

    static func relativeError(_ actual: [Float], _ expected: [Float]) -> Double {
        var difference = 0.0, magnitude = 0.0
        for (a, e) in zip(actual, expected) {
            guard a.isFinite else { return .infinity }
            difference += Double(a - e) * Double(a - e)
            magnitude += Double(e) * Double(e)
        }
        return (difference / max(magnitude, .leastNormalMagnitude)).squareRoot()
    }
}
