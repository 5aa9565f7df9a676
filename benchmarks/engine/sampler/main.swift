// Sampler cost per logits row at Qwen2-VL's vocabulary (151,936), for the sampling settings users send.
// Built by ../run_sampler.sh together with the engine's sampler sources; not a test.

import Dispatch
#if canImport(Glibc)
import Glibc
#endif

let vocab = 151_936
let rows = 64

func seconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}

/// Uniform logits in [-10, 10): flatter than a trained model's, so the filters see many candidates.
var source = SeededGenerator(seed: 1)
let logits = (0..<(rows * vocab)).map { _ in Float(source.nextUnitInterval() * 20 - 10) }
let prompt = Array(0..<2000), output = Array(0..<100)

func measure(_ name: String, _ params: SamplingParams) {
    let input = SamplingInput(params: params, promptTokenIds: prompt[...], outputTokenIds: output[...], minTokensBlocked: [])
    var best = [Double.infinity, .infinity]
    for _ in 0..<5 {
        for (index, parallel) in [false, true].enumerated() {
            var generators = (0..<rows).map { SeededGenerator(seed: UInt64($0)) }
            let start = seconds()
            generators.withUnsafeMutableBufferPointer { pointer in
                let shared = pointer
                if parallel {
                    DispatchQueue.concurrentPerform(iterations: rows) { row in
                        _ = Sampler.sample(logits[row * vocab ..< (row + 1) * vocab], input, generator: &shared[row])
                    }
                } else {
                    for row in 0..<rows { _ = Sampler.sample(logits[row * vocab ..< (row + 1) * vocab], input, generator: &shared[row]) }
                }
            }
            best[index] = min(best[index], seconds() - start)
        }
    }
    let perRow = best.map { String(Int($0 / Double(rows) * 1e6)) }
    print("| \(name) | \(perRow[0]) | \(Int(best[0] * 1000)) | \(Int(best[1] * 1000)) |")
}

func params(_ edit: (inout SamplingParams) -> Void) -> SamplingParams {
    var params = SamplingParams()
    edit(&params)
    return params
}

print("| settings | µs per row, one thread | ms for \(rows) rows, one thread | ms for \(rows) rows, all cores |")
print("|---|---|---|---|")
measure("greedy", params { $0.temperature = 0 })
measure("Qwen2-VL generation_config (T 0.1, top_p 0.001, top_k 1, repetition 1.05)",
        params { $0.temperature = 0.1; $0.topP = 0.001; $0.topK = 1; $0.repetitionPenalty = 1.05 })
measure("T 0.7, top_p 0.8", params { $0.temperature = 0.7; $0.topP = 0.8 })
measure("T 1, top_k 50, min_p 0.05", params { $0.temperature = 1; $0.topK = 50; $0.minP = 0.05 })
measure("greedy + 5 logprobs", params { $0.temperature = 0; $0.logprobs = 5 })
