// Times encoded image → pixel patches with VLMMedia, in process, as the server runs it.
// Usage: MediaBenchmark FILE MAX_PIXELS [RUNS] [--reuse | --decode-only]
//   default: every run returns a freshly allocated [Float] (what the transformers processor does);
//   --reuse: every run writes into one destination buffer allocated before the first run (a
//            server's reused staging buffer), so page faults on the output are not timed;
//   --decode-only: only decode to RGB (the share of the time the C decoders take).
// Prints one line per run and the medians of wall time and process CPU time (all threads).
import Foundation
import VLMMedia

func seconds(_ clock: clockid_t) -> Double {
    var t = timespec()
    clock_gettime(clock, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
}

let arguments = CommandLine.arguments
guard arguments.count >= 3, let maxPixels = Int(arguments[2]),
    let data = FileManager.default.contents(atPath: arguments[1])
else {
    print("usage: MediaBenchmark FILE MAX_PIXELS [RUNS] [--reuse | --decode-only]")
    exit(2)
}
let runs = arguments.count > 3 ? Int(arguments[3]) ?? 7 : 7
let reuse = arguments.contains("--reuse")
let decodeOnly = arguments.contains("--decode-only")
let bytes = [UInt8](data)
let processor = Qwen2VLImageProcessor(config: ProcessorConfig(minPixels: 3136, maxPixels: maxPixels))
let header = try ImageDecoder.header(of: bytes)
let floats = try processor.grid(width: header.width, height: header.height).patchCount * processor.config.rowLength
var destination = [Float](repeating: 0, count: reuse ? floats : 0)
var walls: [Double] = []
var cpus: [Double] = []
for run in 0..<runs {
    let (wall0, cpu0) = (seconds(CLOCK_MONOTONIC), seconds(CLOCK_PROCESS_CPUTIME_ID))
    let grid =
        decodeOnly
        ? GridTHW(t: 0, h: 0, w: try ImageDecoder.decode(bytes).width)
        : reuse
            ? try destination.withUnsafeMutableBufferPointer { try processor.process(encoded: bytes, into: $0) }
            : try processor.process(encoded: bytes).grid
    let (wall, cpu) = (seconds(CLOCK_MONOTONIC) - wall0, seconds(CLOCK_PROCESS_CPUTIME_ID) - cpu0)
    walls.append(wall)
    cpus.append(cpu)
    print(String(format: "run %d: wall %.1f ms, cpu %.1f ms, grid %@", run, wall * 1000, cpu * 1000, grid.description))
}
func median(_ v: [Double]) -> Double { v.sorted()[v.count / 2] }
print(String(format: "median: wall %.1f ms, cpu %.1f ms", median(walls) * 1000, median(cpus) * 1000))
