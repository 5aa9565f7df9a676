#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import CUDAEmulator
import ModelFixtureFiles
import VLMCompute
@testable import VLMCUDA

/// NVRTC from the wheel the fixtures found, every kernel compiled once per test run, and CUDA backends
/// whose driver and cuBLASLt are the host emulator (Tests/CUDAEmulator) running those same kernel sources.
enum EmulatedDevice {
    /// `.fixtures/cuda/nvrtc-lib`: the folder of the wheel's libnvrtc (scripts/fixtures/cuda/make.sh, after
    /// scripts/setup.sh installed the wheel).
    static func nvrtc() throws -> NVRTC {
        let path = try ModelFixtureFiles.existing(ModelFixtureFiles.packageRoot + "/.fixtures/cuda/nvrtc-lib")
        let folder = String(decoding: FileManager.default.contents(atPath: path) ?? Data(), as: UTF8.self)
            .split(separator: "\n").first.map(String.init) ?? ""
        let libraries = LibraryLocations.files(in: folder, prefix: "libnvrtc.so.")
        guard let library = libraries.first else { throw ModelFixtureFiles.Missing(path: folder + "/libnvrtc.so.*") }
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
        let cache = KernelCache(directory: ModelFixtureFiles.packageRoot + "/.fixtures/cuda/kernel-cache")
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
