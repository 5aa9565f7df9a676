import ArgumentParser
import VLMCUDA

/// `vlm compile-kernels [--arch sm_90a]`: compiles every embedded kernel with NVRTC (no GPU needed) and
/// prints each kernel's registers, stack frame and spills; fails on a compile error or any spill.
struct CompileKernelsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compile-kernels",
        abstract: "Compile every CUDA kernel with NVRTC and report registers and spills (set VLM_NVRTC to NVRTC's folder).")

    @Option(help: "GPU architecture, as NVRTC's --gpu-architecture.")
    var arch = "sm_90a"

    func run() throws {
        let (text, passed) = try KernelCompileCheck.report(nvrtc: try NVRTC.system(), architecture: arch)
        print(text)
        if !passed { throw ExitCode.failure }
    }
}
