import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import VLMBackendCheck

/// `vlm selftest --device cuda`: every Backend operation of the GPU backend against the CPU reference on
/// fresh random inputs at Qwen2-VL-7B's shapes and at small odd ones, then the tiny checkpoints end to end
/// (CUDASelfTest). Prints a table; exits non-zero when any row fails.
struct SelftestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "selftest", abstract: "Check a GPU backend against the CPU reference, operation by operation and end to end.")

    @OptionGroup var device: DeviceOption

    @Option(help: "Shapes of the operation checks: full (Qwen2-VL-7B, plus the small ones) or small.")
    var shapes: ShapeSet = .full

    @Option(parsing: .upToNextOption, help: "Checkpoints to run end to end (the tiny test models by default).")
    var models: [String] = CUDASelfTest.tinyModels

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
        let settings = CUDASelfTest.Settings(fullShapes: shapes == .full, models: models, seed: seed, deviceIndex: device.deviceIndex)
        if try !CUDASelfTest.runAndPrint(settings, output: output) { throw ExitCode.failure }
    }
}
