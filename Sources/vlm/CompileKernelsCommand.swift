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
        let nvrtc = try NVRTC.system()
        print("NVRTC \(nvrtc.version.major).\(nvrtc.version.minor) (\(nvrtc.origin)), --gpu-architecture=\(arch)")
        let (reports, compiled) = try KernelCompileCheck.run(nvrtc: nvrtc, architecture: arch)
        print("| file | kernel | registers | stack frame | spill stores | spill loads |")
        print("|---|---|---|---|---|---|")
        for report in reports {
            let r = report.resources
            print("| \(report.file) | \(report.kernel) | \(r.registers) | \(r.stackFrameBytes) | \(r.spillStoreBytes) | \(r.spillLoadBytes) |")
        }
        let spilling = compiled.flatMap { kernels in
            KernelResources.parse(log: kernels.log).filter(\.value.spills).map { "\(kernels.fileName): \($0.key)" }
        }
        guard spilling.isEmpty else {
            print("register spills in: \(spilling.sorted().joined(separator: ", "))")
            throw ExitCode.failure
        }
        print("\(reports.count) kernels in \(compiled.count) files compiled for \(arch) without spills")
    }
}
