import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import VLMBackendCheck
import VLMCompute
import VLMCUDA

/// `vlm selftest --device cuda`: every Backend operation of the GPU backend against the CPU reference on
/// fresh random inputs at Qwen2-VL-7B's shapes and at small odd ones (bf16 and f32 activations, split and
/// unsplit paged attention, invalid indices, a CUDA graph replay), then the tiny checkpoints end to end.
/// Prints a table; exits non-zero when any row fails.
struct SelftestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "selftest", abstract: "Check a GPU backend against the CPU reference, operation by operation and end to end.")

    @OptionGroup var device: DeviceOption

    @Option(help: "Shapes of the operation checks: full (Qwen2-VL-7B, plus the small ones) or small.")
    var shapes: ShapeSet = .full

    @Option(parsing: .upToNextOption, help: "Checkpoints to run end to end (the tiny test models by default).")
    var models: [String] = [".fixtures/model/qwen2-vl-tiny", ".fixtures/model/qwen2.5-vl-tiny"]

    @Option(help: "Seed of the random inputs (printed, so a failing run can be repeated).")
    var seed: UInt64 = UInt64(Date().timeIntervalSince1970)

    @Option(help: "Also write the table to this file.")
    var output: String?

    enum ShapeSet: String, ExpressibleByArgument {
        case full, small
    }

    func run() throws {
        guard device.device == .cuda else {
            throw ValidationError("selftest compares a device backend with the CPU reference: use --device cuda")
        }
        let bf16 = try device.makeCUDABackend(activations: .bf16)
        let properties = bf16.context.properties
        print("device \(properties.index): \(properties.name), \(properties.architecture), \(properties.multiprocessorCount) SMs, "
            + "\(properties.totalMemory >> 20) MiB, driver CUDA \(properties.driverVersion / 1000).\(properties.driverVersion % 1000 / 10); seed \(seed)")
        let memory = try bf16.context.memoryInfo()
        print("\(bf16.libraryDescription); \(bf16.kernels.compiledCount) of \(KernelSource.all.count) kernel files compiled now, "
            + "the rest from the cache; \(memory.free >> 20) of \(memory.total >> 20) MiB free")
        var results: [CheckResult] = []
        func section(_ title: String, _ body: () throws -> [CheckResult]) rethrows {
            print("… \(title)")
            results += try body()
        }
        if shapes == .full {
            section("operations at Qwen2-VL-7B shapes, bf16") { BackendCheck.operations(device: bf16, shapes: .qwen2VL7B, seed: seed) }
        }
        section("operations at small shapes, bf16") { BackendCheck.operations(device: bf16, shapes: .small, seed: seed &+ 1) }
        let f32 = try device.makeCUDABackend(activations: .f32)
        section("operations at small shapes, f32") { BackendCheck.operations(device: f32, shapes: .small, seed: seed &+ 2) }
        let pagedShapes: CheckShapes = shapes == .full ? .qwen2VL7B : .small
        try section("paged attention split every 256 keys") {
            BackendCheck.pagedAttention(device: try device.makeCUDABackend(split: .keys(256)), shapes: pagedShapes, seed: seed &+ 3, label: ", split 256")
        }
        try section("paged attention never split") {
            BackendCheck.pagedAttention(device: try device.makeCUDABackend(split: .never), shapes: pagedShapes, seed: seed &+ 4, label: ", unsplit")
        }
        section("invalid indices") { BackendCheck.invalidInputs(device: bf16) }
        section("CUDA graph replay") {
            BackendCheck.replay(device: bf16, rows: 4, width: pagedShapes.hidden, seed: seed &+ 5) { body in
                let graph = try bf16.captureGraph(body)
                return { try graph.launch() }
            }
        }
        for model in models {
            section("\(model) end to end") {
                TinyModelCheck.run(modelDirectory: model, device: f32, seed: seed &+ 6) + TinyModelCheck.run(modelDirectory: model, device: bf16, seed: seed &+ 6)
            }
        }
        let table = CheckResult.table(results)
        let failed = results.filter { !$0.passed }.count
        let calls = bf16.linearCalls
        let summary = "\(results.count - failed) passed, \(failed) failed; bf16 linear: \(calls.library) through cuBLASLt, \(calls.fallback) through the fallback kernel; "
            + "peak device memory \(bf16.pool.peakBytesInUse >> 20) MiB; seed \(seed)"
        print(table)
        print(summary)
        if let output {
            try Data((table + "\n\n" + summary + "\n").utf8).write(to: URL(fileURLWithPath: output))
        }
        if failed > 0 { throw ExitCode.failure }
    }
}
