/// What the backend needs to know about its GPU.
public struct DeviceProperties: Sendable, Equatable {
    public var index: Int
    public var name: String
    public var computeMajor: Int
    public var computeMinor: Int
    public var multiprocessorCount: Int
    public var totalMemory: Int
    /// CUDA version the driver supports, e.g. 13000 for 13.0.
    public var driverVersion: Int

    /// NVRTC's `--gpu-architecture` for this GPU: the arch-specific `sm_90a` on Hopper (wgmma, setmaxnreg),
    /// plain `sm_XY` elsewhere.
    public var architecture: String {
        "sm_\(computeMajor)\(computeMinor)" + (computeMajor == 9 && computeMinor == 0 ? "a" : "")
    }
}

/// One GPU's primary context and the stream all of the backend's work goes to (created non-blocking, so
/// it never waits on the legacy default stream). The context is made current on the calling thread by
/// `makeCurrent()`, which every entry point calls: the engine's loop may run on any thread.
public final class CUDAContext: @unchecked Sendable {
    public let driver: CUDADriver
    public let properties: DeviceProperties
    let device: Int32
    let context: OpaquePointer
    let stream: OpaquePointer

    private static let attributeMultiprocessorCount: Int32 = 16
    private static let attributeComputeMajor: Int32 = 75
    private static let attributeComputeMinor: Int32 = 76
    private static let streamNonBlocking: UInt32 = 1

    public init(driver: CUDADriver, deviceIndex: Int = 0) throws {
        self.driver = driver
        try driver.check(driver.cuInit(0), "cuInit")
        var count: Int32 = 0
        try driver.check(driver.cuDeviceGetCount(&count), "cuDeviceGetCount")
        guard deviceIndex >= 0, deviceIndex < Int(count) else { throw CUDAError.noDevice(requested: deviceIndex, available: Int(count)) }
        var device: Int32 = 0
        try driver.check(driver.cuDeviceGet(&device, Int32(deviceIndex)), "cuDeviceGet")
        self.device = device

        func attribute(_ code: Int32) throws -> Int {
            var value: Int32 = 0
            try driver.check(driver.cuDeviceGetAttribute(&value, code, device), "cuDeviceGetAttribute")
            return Int(value)
        }
        var nameBytes = [CChar](repeating: 0, count: 256)
        try driver.check(driver.cuDeviceGetName(&nameBytes, Int32(nameBytes.count - 1), device), "cuDeviceGetName")
        var memory = 0
        try driver.check(driver.cuDeviceTotalMem(&memory, device), "cuDeviceTotalMem_v2")
        var version: Int32 = 0
        try driver.check(driver.cuDriverGetVersion(&version), "cuDriverGetVersion")
        properties = DeviceProperties(
            index: deviceIndex, name: String(decoding: nameBytes.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self),
            computeMajor: try attribute(Self.attributeComputeMajor), computeMinor: try attribute(Self.attributeComputeMinor),
            multiprocessorCount: try attribute(Self.attributeMultiprocessorCount), totalMemory: memory, driverVersion: Int(version))

        var context: OpaquePointer?
        try driver.check(driver.cuDevicePrimaryCtxRetain(&context, device), "cuDevicePrimaryCtxRetain")
        guard let context else { throw CUDAError.invalidState("cuDevicePrimaryCtxRetain returned no context") }
        self.context = context
        do {
            try driver.check(driver.cuCtxSetCurrent(context), "cuCtxSetCurrent")
            var stream: OpaquePointer?
            try driver.check(driver.cuStreamCreate(&stream, Self.streamNonBlocking), "cuStreamCreate")
            guard let stream else { throw CUDAError.invalidState("cuStreamCreate returned no stream") }
            self.stream = stream
        } catch {
            _ = driver.cuDevicePrimaryCtxRelease(device)
            throw error
        }
    }

    deinit {
        _ = driver.cuCtxSetCurrent(context)
        _ = driver.cuStreamSynchronize(stream)
        _ = driver.cuStreamDestroy(stream)
        _ = driver.cuDevicePrimaryCtxRelease(device)
    }

    public func makeCurrent() throws {
        try driver.check(driver.cuCtxSetCurrent(context), "cuCtxSetCurrent")
    }

    /// Waits for all work queued on the stream.
    public func synchronize() throws {
        try driver.check(driver.cuStreamSynchronize(stream), "cuStreamSynchronize")
    }

    /// Free and total device memory, as the driver reports them.
    public func memoryInfo() throws -> (free: Int, total: Int) {
        try makeCurrent()
        var free = 0, total = 0
        try driver.check(driver.cuMemGetInfo(&free, &total), "cuMemGetInfo_v2")
        return (free, total)
    }
}
