import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import VLMBackendCheck
import VLMCUDA

/// `vlm selftest --device cuda` for the GPU machine, where the `vlm` built here cannot start (it links
/// Debian's media libraries): the same CUDASelfTest, table to stdout and `--output`.
struct SelftestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "selftest", abstract: "vlm selftest --device cuda, for the device scripts.")

    @Flag(help: "Small shapes only.") var small = false
    @Option(help: "Also write the table to this file.") var output: String?
    @Option(help: "Seed of the random inputs.") var seed: UInt64 = UInt64(Date().timeIntervalSince1970)

    func run() throws {
        let settings = CUDASelfTest.Settings(fullShapes: !small, models: CUDASelfTest.tinyModels, seed: seed, deviceIndex: 0)
        if try !CUDASelfTest.runAndPrint(settings, output: output) { throw ExitCode.failure }
    }
}

/// `vlm compile-kernels` for the GPU machine.
struct CompileKernelsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "compile-kernels", abstract: "vlm compile-kernels, for the device scripts.")

    @Option var arch = "sm_90a"

    func run() throws {
        let (text, passed) = try KernelCompileCheck.report(nvrtc: try NVRTC.system(), architecture: arch)
        print(text)
        if !passed { throw ExitCode.failure }
    }
}
