#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import VLMCompute
import VLMCUDA

/// The whole GPU self-test (`vlm selftest --device cuda`, and `cuda-benchmark selftest` on the GPU
/// machine, whose `vlm` would need Debian's media libraries): every operation at Qwen2-VL-7B's shapes and at
/// small odd ones with bf16 activations, the small ones again with f32, paged attention always and never
/// split, invalid indices, a CUDA graph replay, then each checkpoint end to end with f32 and bf16.
public enum CUDASelfTest {
    public struct Settings: Sendable {
        public var fullShapes: Bool
        public var models: [String]
        public var seed: UInt64
        public var deviceIndex: Int

        public init(fullShapes: Bool, models: [String], seed: UInt64, deviceIndex: Int) {
            self.fullShapes = fullShapes
            self.models = models
            self.seed = seed
            self.deviceIndex = deviceIndex
        }
    }

    /// The tiny test checkpoints, relative to the package root (scripts/fixtures/model).
    public static let tinyModels = [".fixtures/model/qwen2-vl-tiny", ".fixtures/model/qwen2.5-vl-tiny"]

    /// Runs every check, announcing each section through `log`; returns the rows and a summary line.
    public static func run(_ settings: Settings, log: (String) -> Void) throws -> (results: [CheckResult], summary: String) {
        func backend(_ activations: DType, split: PagedAttentionSplit = .automatic) throws -> CUDABackend {
            try CUDABackend(options: CUDABackendOptions(activationType: activations, deviceIndex: settings.deviceIndex, pagedAttentionSplit: split))
        }
        let seed = settings.seed
        let bf16 = try backend(.bf16)
        let properties = bf16.context.properties
        let memory = try bf16.context.memoryInfo()
        log("device \(properties.index): \(properties.name), \(properties.architecture), \(properties.multiprocessorCount) SMs, "
            + "driver CUDA \(properties.driverVersion / 1000).\(properties.driverVersion % 1000 / 10), \(memory.free >> 20) of "
            + "\(memory.total >> 20) MiB free; seed \(seed)")
        log("\(bf16.libraryDescription); \(bf16.kernels.compiledCount) of \(KernelSource.all.count) kernel files compiled now, the rest cached")
        var results: [CheckResult] = []
        func section(_ title: String, _ body: () throws -> [CheckResult]) rethrows {
            log("… \(title)")
            results += try body()
        }
        let shapes: CheckShapes = settings.fullShapes ? .qwen2VL7B : .small
        if settings.fullShapes {
            section("operations at Qwen2-VL-7B shapes, bf16") { BackendCheck.operations(device: bf16, shapes: .qwen2VL7B, seed: seed) }
        }
        section("operations at small shapes, bf16") { BackendCheck.operations(device: bf16, shapes: .small, seed: seed &+ 1) }
        let f32 = try backend(.f32)
        section("operations at small shapes, f32") { BackendCheck.operations(device: f32, shapes: .small, seed: seed &+ 2) }
        try section("paged attention split every 256 keys") {
            BackendCheck.pagedAttention(device: try backend(.bf16, split: .keys(256)), shapes: shapes, seed: seed &+ 3, label: ", split 256")
        }
        try section("paged attention never split") {
            BackendCheck.pagedAttention(device: try backend(.bf16, split: .never), shapes: shapes, seed: seed &+ 4, label: ", unsplit")
        }
        section("invalid indices") { BackendCheck.invalidInputs(device: bf16) }
        section("CUDA graph replay") {
            BackendCheck.replay(device: bf16, rows: 4, width: shapes.hidden, seed: seed &+ 5) { body in
                let graph = try bf16.captureGraph(body)
                return { try graph.launch() }
            }
        }
        for model in settings.models {
            section("\(model) end to end") {
                TinyModelCheck.run(modelDirectory: model, device: f32, seed: seed &+ 6) + TinyModelCheck.run(modelDirectory: model, device: bf16, seed: seed &+ 6)
            }
        }
        let failed = results.filter { !$0.passed }.count
        let calls = bf16.linearCalls
        let summary = "\(results.count - failed) passed, \(failed) failed; bf16 linear: \(calls.library) through cuBLASLt, "
            + "\(calls.fallback) through the fallback kernel; peak device memory \(bf16.pool.peakBytesInUse >> 20) MiB; seed \(seed)"
        return (results, summary)
    }

    /// `run`, printing the progress, the table and the summary (also written to `output`); false when a
    /// row failed.
    public static func runAndPrint(_ settings: Settings, output: String?) throws -> Bool {
        let (results, summary) = try run(settings) { print($0) }
        let report = CheckResult.table(results) + "\n\n" + summary + "\n"
        print(report, terminator: "")
        if let output { try Data(report.utf8).write(to: URL(fileURLWithPath: output)) }
        return results.allSatisfy(\.passed)
    }
}
