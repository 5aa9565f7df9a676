// Encode-throughput benchmark for VLMTokenizer, driven by benchmarks/tokenizer/bench.py.
// Usage: TokenizerBenchmark MODEL_DIR TEXT_FILE REPEATS
// Prints one JSON line: bytes, ids, checksum of the ids, CPU seconds of loading the tokenizer, of the
// first (cold-cache) encode and of the best of the repeats.
#if canImport(Glibc)
import Glibc
#endif
import Foundation
import VLMTokenizer

func cpuSeconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}

/// Same formula as bench.py, so both sides prove they produced the same ids.
func checksum(_ ids: [Int]) -> Int {
    var sum = 0
    for (index, id) in ids.enumerated() { sum = (sum &+ (index + 1) &* id) % 2_305_843_009_213_693_951 }
    return sum
}

let arguments = CommandLine.arguments
guard arguments.count == 4, let repeats = Int(arguments[3]), repeats > 0,
    let data = FileManager.default.contents(atPath: arguments[2])
else {
    FileHandle.standardError.write("usage: TokenizerBenchmark MODEL_DIR TEXT_FILE REPEATS\n".data(using: .utf8)!)
    exit(2)
}
let text = String(decoding: data, as: UTF8.self)
let loadStart = cpuSeconds()
let tokenizer: Tokenizer
do {
    tokenizer = try Tokenizer(directory: URL(fileURLWithPath: arguments[1]))
} catch {
    FileHandle.standardError.write("\(error)\n".data(using: .utf8)!)
    exit(1)
}
let load = cpuSeconds() - loadStart
var start = cpuSeconds()
var ids = tokenizer.encode(text)
let cold = cpuSeconds() - start
var best = Double.infinity
for _ in 0..<repeats {
    start = cpuSeconds()
    ids = tokenizer.encode(text)
    best = min(best, cpuSeconds() - start)
}
print("{\"bytes\":\(data.count),\"ids\":\(ids.count),\"checksum\":\(checksum(ids)),\"load_cpu_s\":\(load),\"cold_cpu_s\":\(cold),\"best_cpu_s\":\(best)}")
