#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import CUDAEmulator
import VLMCompute
@testable import VLMCUDA

/// NVRTC from the wheel the fixtures found, every kernel compiled once per test run, and CUDA backends
/// whose driver and cuBLASLt are the host emulator (Tests/CUDAEmulator) running those same kernel sources.
enum EmulatedDevice {
    struct MissingFixture: Error, CustomStringConvertible {
        let path: String
        var description: String { "missing fixture \(path): run scripts/setup.sh and scripts/fixtures/generate.sh" }
    }

    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    /// `.fixtures/cuda/nvrtc-lib`: the folder of the wheel's libnvrtc (scripts/fixtures/cuda/make.sh).
    static func nvrtc() throws -> NVRTC {
        let path = packageRoot + "/.fixtures/cuda/nvrtc-lib"
        guard let data = FileManager.default.contents(atPath: path) else { throw MissingFixture(path: path) }
        let folder = String(decoding: data, as: UTF8.self).split(separator: "\n").first.map(String.init) ?? ""
        let libraries = LibraryLocations.files(in: folder, prefix: "libnvrtc.so.")
        guard let library = libraries.first else { throw MissingFixture(path: folder + "/libnvrtc.so.*") }
        return try NVRTC(SymbolTable.open("libnvrtc", candidates: [library]) { _ in LibraryLocations.files(in: folder, prefix: "libnvrtc-builtins.so") })
    }

    /// Every kernel source compiled for sm_90a, once for the whole test run (the compile-check suite and
    /// the emulated backends share it).
    static let compiled = Result { () throws -> (reports: [CompiledKernelReport], compiled: [CompiledKernels], nvrtc: NVRTC) in
        let compiler = try EmulatedDevice.nvrtc()
        let result = try KernelCompileCheck.run(nvrtc: compiler, architecture: "sm_90a")
        return (result.reports, result.compiled, compiler)
    }

    /// A kernel cache holding `compiled`, so backends load without compiling again.
    static let cache = Result { () throws -> KernelCache in
        let (_, kernels, nvrtc) = try compiled.get()
        let cache = KernelCache(directory: packageRoot + "/.fixtures/cuda/kernel-cache")
        for (source, compiledSource) in zip(KernelSource.all, kernels) { cache.store(compiledSource, source: source, nvrtc: nvrtc.version) }
        return cache
    }

    static let symbols = SymbolTable(origin: "CUDA host emulator") { vlm_emulator_symbol($0) }

    static func backend(_ activationType: DType, split: PagedAttentionSplit = .automatic) throws -> CUDABackend {
        let compiler = try compiled.get().nvrtc
        let libraries = CUDALibraries(driver: { try CUDADriver(symbols) }, nvrtc: { compiler }, blas: { try CuBLASLt(symbols) })
        return try CUDABackend(options: CUDABackendOptions(activationType: activationType, kernelCache: try cache.get(), libraries: libraries,
                                                           pagedAttentionSplit: split))
    }

    static var launchCount: UInt64 { UInt64(vlm_emulator_launch_count()) }
}
