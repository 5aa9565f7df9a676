import ArgumentParser

/// Device measurements for scripts/device/run.sh: copy bandwidth and GEMM rate of the GPU, teacher-forced
/// logits of a checkpoint (the full-size check), and batch-1 decode time.
@main
struct CUDABenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cuda-benchmark",
        abstract: "GPU ceilings and model timings for the device scripts.",
        subcommands: [SelftestCommand.self, CompileKernelsCommand.self, BandwidthCommand.self, GemmCommand.self, LogitsCommand.self, DecodeCommand.self])
}
