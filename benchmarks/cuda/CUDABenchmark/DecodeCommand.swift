import ArgumentParser
import VLMCompute
import VLMModels

/// Batch-1 greedy decode time at a given context: a random text prompt of `--context` tokens, then
/// `--steps` timed decode steps (each includes the logits download, as serving does); median ms/token.
struct DecodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "decode", abstract: "Time batch-1 decode steps.")

    @OptionGroup var backend: BackendOption
    @Option var model: String
    @Option var context = 1300
    @Option var steps = 64

    func run() throws {
        let device = try backend.makeBackend()
        let loaded = try ModelRegistry.load(directory: model, backend: device)
        var state: UInt64 = 7
        let prompt = (0 ..< context).map { _ -> Int in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(state >> 33) % 151_000
        }
        let runner = try SequenceRunner(model: loaded, promptTokenIds: prompt, vision: [], capacity: context + steps + 8)
        let clock = ContinuousClock()
        var logits: ArraySlice<Float> = []
        let prefill = try clock.measure { logits = try runner.prefill() }
        var times: [Double] = []
        for step in 0 ..< steps + 4 {
            let token = Greedy.token(logits)
            let elapsed = try clock.measure { logits = try runner.decode(token) }
            if step >= 4 { times.append(Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1e3) }
        }
        times.sort()
        print(json(["context": context, "steps": steps, "prefill_ms": Double(prefill.components.attoseconds) / 1e15 + Double(prefill.components.seconds) * 1e3,
                    "decode_median_ms": times[times.count / 2], "decode_min_ms": times[0]]))
    }
}
