import Testing
import VLMCompute
@testable import VLMCUDA

/// Without the NVIDIA driver the backend fails with a typed error the CLI prints as is.
@Suite struct DriverLoadingTests {
    @Test func missingDriverThrowsNoCUDADriver() throws {
        let libraries = CUDALibraries(driver: { try CUDADriver(SymbolTable.open("libcuda", candidates: ["/nonexistent/libcuda.so.1"])) },
                                      nvrtc: { try NVRTC.system() }, blas: { try CuBLASLt.system() })
        #expect {
            _ = try CUDABackend(options: CUDABackendOptions(libraries: libraries))
        } throws: { error in
            guard case let .libraryNotFound(library, tried, _) = error as? CUDAError else { return false }
            return library == "libcuda" && tried == ["/nonexistent/libcuda.so.1"] && "\(error)".hasPrefix("no CUDA driver: could not load /nonexistent/libcuda.so.1")
        }
    }

    @Test func missingSymbolNamesTheFunction() {
        let empty = SymbolTable(origin: "empty") { _ in nil }
        #expect(throws: CUDAError.missingSymbol(library: "empty", symbol: "cuInit")) { try CUDADriver(empty) }
    }

    @Test func hopperCompilesForTheArchSpecificTarget() {
        let hopper = DeviceProperties(index: 0, name: "H200", computeMajor: 9, computeMinor: 0, multiprocessorCount: 132, totalMemory: 0, driverVersion: 13000)
        var ada = hopper
        ada.computeMajor = 8
        ada.computeMinor = 9
        #expect(hopper.architecture == "sm_90a")
        #expect(ada.architecture == "sm_89")
    }
}
