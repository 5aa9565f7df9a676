import Dispatch
import Synchronization

/// Every embedded kernel loaded into the context: compiled by NVRTC for the GPU's architecture (in
/// parallel, one program per file) unless the disk cache has it, then loaded as modules. Kernels are
/// looked up by their name expression, e.g. `paged_attention<bf16, 128>`.
public final class KernelLibrary: @unchecked Sendable {
    private let context: CUDAContext
    private var modules: [OpaquePointer] = []
    private var functions: [String: OpaquePointer] = [:]
    /// How many files NVRTC compiled (the rest came from the cache).
    public private(set) var compiledCount = 0

    public init(context: CUDAContext, nvrtc: NVRTC, cache: KernelCache?, sources: [KernelSource] = KernelSource.all) throws {
        self.context = context
        let architecture = context.properties.architecture
        var ready = sources.map { cache?.load($0, architecture: architecture, nvrtc: nvrtc.version) }
        let missing = ready.indices.filter { ready[$0] == nil }
        let results = Mutex([Int: Swift.Result<CompiledKernels, Error>]())
        DispatchQueue.concurrentPerform(iterations: missing.count) { i in
            let index = missing[i]
            let result = Swift.Result { try nvrtc.compile(sources[index], architecture: architecture) }
            results.withLock { $0[index] = result }
        }
        for (index, result) in results.withLock({ $0 }).sorted(by: { $0.key < $1.key }) {
            let compiled = try result.get()
            cache?.store(compiled, source: sources[index], nvrtc: nvrtc.version)
            ready[index] = compiled
        }
        compiledCount = missing.count
        try context.makeCurrent()
        for compiled in ready.compactMap({ $0 }) { try load(compiled) }
    }

    deinit {
        _ = try? context.makeCurrent()
        for module in modules { _ = context.driver.cuModuleUnload(module) }
    }

    private func load(_ compiled: CompiledKernels) throws {
        var module: OpaquePointer?
        let result = compiled.cubin.withUnsafeBytes { context.driver.cuModuleLoadData(&module, $0.baseAddress) }
        try context.driver.check(result, "cuModuleLoadData (\(compiled.fileName))")
        guard let module else { throw CUDAError.invalidState("cuModuleLoadData returned no module for \(compiled.fileName)") }
        modules.append(module)
        for (expression, lowered) in compiled.loweredNames {
            var function: OpaquePointer?
            try context.driver.check(context.driver.cuModuleGetFunction(&function, module, lowered), "cuModuleGetFunction (\(expression))")
            functions[expression] = function
        }
    }

    public func function(_ expression: String) -> OpaquePointer? { functions[expression] }
}
