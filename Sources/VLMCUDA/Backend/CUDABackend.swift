import Synchronization
import VLMCompute

/// Where the backend's three libraries come from: the system (`dlopen`, the default) or, in the tests,
/// the host emulator.
public struct CUDALibraries: Sendable {
    public var driver: @Sendable () throws -> CUDADriver
    public var nvrtc: @Sendable () throws -> NVRTC
    public var blas: @Sendable () throws -> CuBLASLt

    public init(driver: @escaping @Sendable () throws -> CUDADriver, nvrtc: @escaping @Sendable () throws -> NVRTC,
                blas: @escaping @Sendable () throws -> CuBLASLt)
    {
        self.driver = driver
        self.nvrtc = nvrtc
        self.blas = blas
    }

    public static let system = CUDALibraries(driver: { try CUDADriver.system() }, nvrtc: { try NVRTC.system() },
                                             blas: { try CuBLASLt.system() })
}

/// How `pagedAttention` splits long key ranges over several blocks (merged by a second kernel).
public enum PagedAttentionSplit: Sendable, Equatable {
    /// Split when the launch would not fill the GPU and the keys are long (decode at long contexts).
    case automatic
    case never
    /// Always split into pieces of this many keys (a multiple of 32): the self-test's way to check the merge.
    case keys(Int)
}

public struct CUDABackendOptions: Sendable {
    /// bf16 for serving; f32 runs the same kernels in fp32 (the exactness checks against the CPU backend).
    public var activationType: DType
    public var deviceIndex: Int
    public var kernelCache: KernelCache?
    public var libraries: CUDALibraries
    public var pagedAttentionSplit: PagedAttentionSplit

    public init(activationType: DType = .bf16, deviceIndex: Int = 0, kernelCache: KernelCache? = KernelCache.standard(),
                libraries: CUDALibraries = .system, pagedAttentionSplit: PagedAttentionSplit = .automatic)
    {
        self.activationType = activationType
        self.deviceIndex = deviceIndex
        self.kernelCache = kernelCache
        self.libraries = libraries
        self.pagedAttentionSplit = pagedAttentionSplit
    }
}

/// The `Backend` on an NVIDIA GPU: device memory from a caching pool, every operation queued on one
/// stream, GEMMs through cuBLASLt, everything else through the embedded kernels. Operations do not throw:
/// a launch failure is kept and thrown by the next `synchronize` or `download`, and so is an invalid index
/// a kernel found (its status word).
public final class CUDABackend: Backend, @unchecked Sendable {
    public let name = "cuda"
    public let activationType: DType
    public let context: CUDAContext
    public let pool: DeviceMemoryPool
    public let kernels: KernelLibrary
    let matmul: MatmulPlanner
    let split: PagedAttentionSplit
    /// Where the driver, NVRTC and cuBLASLt were loaded from, and NVRTC's version (for reports).
    public let libraryDescription: String
    /// One Int32 on the device that kernels set (first failure wins) when their input is invalid.
    let statusWord: UInt64
    private let statusBlock: (address: UInt64, size: Int)
    private let workspaceBlock: (address: UInt64, size: Int)
    private let host: Mutex<HostState>

    private struct HostState {
        var pendingError: Error?
        var staging: PinnedBuffer
        var linearCalls = (library: 0, fallback: 0)
    }

    static let workspaceBytes = 32 << 20

    public init(options: CUDABackendOptions = CUDABackendOptions()) throws {
        guard options.activationType == .bf16 || options.activationType == .f32 else {
            throw ComputeError.unsupportedDType(options.activationType, operation: "CUDA activations")
        }
        activationType = options.activationType
        split = options.pagedAttentionSplit
        let driver = try options.libraries.driver()
        context = try CUDAContext(driver: driver, deviceIndex: options.deviceIndex)
        pool = DeviceMemoryPool(context: context)
        let nvrtc = try options.libraries.nvrtc()
        kernels = try KernelLibrary(context: context, nvrtc: nvrtc, cache: options.kernelCache)
        let blas = try options.libraries.blas()
        statusBlock = try pool.allocate(4)
        statusWord = statusBlock.address
        workspaceBlock = try pool.allocate(Self.workspaceBytes)
        matmul = try MatmulPlanner(blas: blas, workspace: workspaceBlock.address, workspaceBytes: Self.workspaceBytes)
        libraryDescription = "driver \(driver.origin), NVRTC \(nvrtc.version.major).\(nvrtc.version.minor) \(nvrtc.origin), cuBLASLt \(blas.origin)"
        host = Mutex(HostState(pendingError: nil, staging: try PinnedBuffer(context, capacity: 1 << 20)))
        try context.driver.check(context.driver.cuMemsetD8Async(statusWord, 0, 4, context.stream), "cuMemsetD8Async")
        try context.synchronize()
    }

    deinit {
        pool.release(statusBlock.address, size: statusBlock.size)
        pool.release(workspaceBlock.address, size: workspaceBlock.size)
    }

    // MARK: Memory

    public func allocate(_ shape: [Int], _ dtype: DType) throws -> Tensor {
        try context.makeCurrent()
        let tensor = try allocateUninitialized(shape, dtype)
        try context.driver.check(context.driver.cuMemsetD8Async(tensor.deviceAddress, 0, tensor.byteCount, context.stream), "cuMemsetD8Async")
        return tensor
    }

    func allocateUninitialized(_ shape: [Int], _ dtype: DType) throws -> Tensor {
        let bytes = shape.reduce(1, *) * dtype.byteSize
        let block = try pool.allocate(max(bytes, 1))
        let pool = self.pool
        guard let address = UnsafeMutableRawPointer(bitPattern: UInt(block.address)) else {
            throw CUDAError.invalidState("the driver returned a null device address")
        }
        let storage = TensorStorage(address: address, byteCount: bytes, location: name) { _, _ in
            pool.release(block.address, size: block.size)
        }
        return Tensor(storage: storage, shape: shape, dtype: dtype)
    }

    public func upload(_ values: [Float], shape: [Int], dtype: DType) throws -> Tensor {
        guard values.count == shape.reduce(1, *) else { throw ComputeError.valueCountMismatch(shape: shape, values: values.count) }
        switch dtype {
        case .f32: return try copyToDevice(values, shape: shape, dtype: dtype)
        case .bf16: return try copyToDevice(values.map(BFloat16.fromFloat), shape: shape, dtype: dtype)
        case .f16: return try copyToDevice(values.map(Half.fromFloat), shape: shape, dtype: dtype)
        case .i32: throw ComputeError.unsupportedDType(.i32, operation: "upload of floats")
        }
    }

    public func upload(_ values: [Int32], shape: [Int]) throws -> Tensor {
        guard values.count == shape.reduce(1, *) else { throw ComputeError.valueCountMismatch(shape: shape, values: values.count) }
        return try copyToDevice(values, shape: shape, dtype: .i32)
    }

    public func uploadWeight(_ hostTensor: Tensor) throws -> Tensor {
        guard hostTensor.storage.location == "cpu" else {
            throw ComputeError.foreignTensor(backend: name, location: hostTensor.storage.location)
        }
        try context.makeCurrent()
        let tensor = try allocateUninitialized(hostTensor.shape, hostTensor.dtype)
        try context.driver.check(context.driver.cuMemcpyHtoDAsync(tensor.deviceAddress, hostTensor.rawAddress, hostTensor.byteCount, context.stream),
                                 "cuMemcpyHtoDAsync_v2")
        return tensor
    }

    /// Host elements into a new device tensor. The copy is from pageable memory, which the driver stages
    /// before returning, so `elements` may go away right after.
    private func copyToDevice<Element>(_ elements: [Element], shape: [Int], dtype: DType) throws -> Tensor {
        try context.makeCurrent()
        let tensor = try allocateUninitialized(shape, dtype)
        guard tensor.byteCount > 0 else { return tensor }
        let result = elements.withUnsafeBytes {
            context.driver.cuMemcpyHtoDAsync(tensor.deviceAddress, $0.baseAddress, tensor.byteCount, context.stream)
        }
        try context.driver.check(result, "cuMemcpyHtoDAsync_v2")
        return tensor
    }

    public func download(_ tensor: Tensor) throws -> [Float] {
        try requireOwn(tensor)
        guard tensor.dtype.isFloatingPoint else { throw ComputeError.unsupportedDType(.i32, operation: "download") }
        try synchronize()
        let count = tensor.elementCount
        guard count > 0 else { return [] }
        return try host.withLock { host in
            guard let staging = try host.staging.reserve(tensor.byteCount) else { throw CUDAError.invalidState("no staging buffer") }
            try context.driver.check(context.driver.cuMemcpyDtoHAsync(staging, tensor.deviceAddress, tensor.byteCount, context.stream),
                                     "cuMemcpyDtoHAsync_v2")
            try context.synchronize()
            switch tensor.dtype {
            case .f32:
                return Array(UnsafeBufferPointer(start: staging.assumingMemoryBound(to: Float.self), count: count))
            case .bf16:
                let bits = staging.assumingMemoryBound(to: UInt16.self)
                return (0 ..< count).map { BFloat16.toFloat(bits[$0]) }
            case .f16:
                let bits = staging.assumingMemoryBound(to: UInt16.self)
                return (0 ..< count).map { Half.toFloat(bits[$0]) }
            case .i32:
                return []
            }
        }
    }

    /// Waits for the queued work, then throws the first launch failure, a fault, or an invalid input a
    /// kernel reported (clearing it, so the backend stays usable).
    public func synchronize() throws {
        try context.makeCurrent()
        if let failure = host.withLock({ host -> Error? in
            defer { host.pendingError = nil }
            return host.pendingError
        }) {
            throw failure
        }
        try context.synchronize()
        var code: Int32 = 0
        try context.driver.check(context.driver.cuMemcpyDtoHAsync(&code, statusWord, 4, context.stream), "cuMemcpyDtoHAsync_v2")
        try context.synchronize()
        guard code == 0 else {
            try context.driver.check(context.driver.cuMemsetD8Async(statusWord, 0, 4, context.stream), "cuMemsetD8Async")
            throw CUDAError.invalidKernelInput(KernelStatus.describe(code))
        }
    }

    /// Captures the work `body` queues into a graph (see `CUDAGraph` for what must stay alive).
    public func captureGraph(_ body: () throws -> Void) throws -> CUDAGraph {
        try CUDAGraph.capture(context: context, pool: pool, body)
    }

    /// `linear` calls so far through cuBLASLt and through the fallback kernel (the self-test reports them:
    /// a model-shaped GEMM on the fallback is a performance bug).
    public var linearCalls: (library: Int, fallback: Int) { host.withLock { $0.linearCalls } }

    func countLinear(library: Bool) {
        host.withLock { host in
            if library { host.linearCalls.library += 1 } else { host.linearCalls.fallback += 1 }
        }
    }

    /// Keeps the first failure of a non-throwing operation for the next `synchronize`.
    func record(_ error: Error) {
        host.withLock { host in
            if host.pendingError == nil { host.pendingError = error }
        }
    }

    func requireOwn(_ tensor: Tensor) throws {
        guard tensor.storage.location == name else { throw ComputeError.foreignTensor(backend: name, location: tensor.storage.location) }
    }
}

extension Tensor {
    /// The device address of the first element (for CUDA tensors).
    var deviceAddress: UInt64 { UInt64(UInt(bitPattern: storage.address)) + UInt64(byteOffset) }
}
