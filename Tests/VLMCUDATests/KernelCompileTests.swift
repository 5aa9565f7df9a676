import Testing
@testable import VLMCUDA

/// Every embedded kernel compiles with NVRTC (the PyPI wheel, no GPU) for Hopper, without register spills.
@Suite struct KernelCompileTests {
    @Test func everyKernelCompilesForSm90aWithoutSpills() throws {
        let (reports, compiled, _) = try EmulatedDevice.compiled.get()
        #expect(compiled.count == KernelSource.all.count)
        #expect(reports.count == KernelSource.all.map(\.kernels.count).reduce(0, +))
        for kernels in compiled {
            for (function, resources) in KernelResources.parse(log: kernels.log) {
                #expect(!resources.spills, "\(kernels.fileName): \(function) spills \(resources)")
            }
        }
        #expect(reports.allSatisfy { $0.resources.registers > 0 })
    }

    @Test func everyFileDeclaresItsInstantiations() {
        #expect(KernelSource.all.map(\.fileName) == ["attention.cu", "elementwise.cu", "gather.cu", "kv_cache.cu", "linear.cu", "norm.cu", "rotary.cu"])
        #expect(KernelSource.all.allSatisfy { !$0.kernels.isEmpty })
        #expect(KernelSource.headers.map(\.name) == ["common.cuh"])
    }

    @Test func instantiationListsKeepTemplateCommas() {
        let text = "x\n#define VLM_KERNELS(X) \\\n    X(a<bf16>) X(b<float, 16>) \\\n    X(c)\nint after;\n"
        #expect(KernelSource.instantiations(in: text) == ["a<bf16>", "b<float, 16>", "c"])
    }

    @Test func compileErrorsCarryNVRTCsLog() throws {
        let nvrtc = try EmulatedDevice.compiled.get().nvrtc
        let broken = KernelSource(fileName: "broken.cu", text: "__global__ void k() { undeclared(); }\n#define VLM_KERNELS(X) X(k)\n")
        #expect {
            _ = try nvrtc.compile(broken, architecture: "sm_90a") as CompiledKernels
        } throws: { error in
            guard case let .compilation(file, architecture, log) = error as? CUDAError else { return false }
            return file == "broken.cu" && architecture == "sm_90a" && log.contains("undeclared")
        }
    }

    @Test func ptxasReportIsParsedPerFunction() {
        let log = """
        ptxas info    : Compiling entry function '_Z1kv' for 'sm_90a'
        ptxas info    : Function properties for _Z1kv
        ptxas         .     16 bytes stack frame, 8 bytes spill stores, 4 bytes spill loads
        ptxas info    : Used 40 registers, used 1 barriers
        """
        #expect(KernelResources.parse(log: log) == ["_Z1kv": KernelResources(registers: 40, stackFrameBytes: 16, spillStoreBytes: 8, spillLoadBytes: 4)])
    }
}
