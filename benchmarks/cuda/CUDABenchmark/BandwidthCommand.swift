import ArgumentParser
import VLMCompute
import VLMCUDA

/// Device-to-device copy bandwidth (bytes read plus bytes written, METHOD.md) and host-to-device upload
/// bandwidth of the memory-mapped weight path.
struct BandwidthCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "bandwidth", abstract: "Measure device copy bandwidth.")

    @Option(help: "Bytes per copy, in MiB.")
    var mebibytes = 4096

    @Option(help: "Timed copies (the median is reported).")
    var repeats = 20

    func run() throws {
        let backend = try CUDABackend()
        let count = mebibytes << 18  // f32 elements
        let source = try backend.allocate([count], .f32), destination = try backend.allocate([count], .f32)
        let copy = try medianMilliseconds(backend, repeats: repeats) { _ in
            backend.copyRows(source, rows: 0 ..< count, into: destination, at: 0)
        }
        let bytes = Double(count * 4)
        print(json(["measure": "device copy", "bytes": Int(bytes), "median_ms": copy, "gb_per_s": 2 * bytes / copy / 1e6]))
        let host = try CPUBackend().allocate([count / 4], .f32)
        let upload = try medianMilliseconds(backend, repeats: 5, warmup: 1) { _ in _ = try backend.uploadWeight(host) }
        print(json(["measure": "upload (pageable host → device)", "bytes": Int(bytes / 4), "median_ms": upload, "gb_per_s": bytes / 4 / upload / 1e6]))
    }
}
