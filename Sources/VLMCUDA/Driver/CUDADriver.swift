/// The CUDA driver API functions the backend uses, resolved from `libcuda.so.1` (or the test emulator)
/// by their versioned symbol names. Handles (context, stream, event, module, function, graph) are opaque
/// pointers, device addresses are `UInt64` (`CUdeviceptr`).
public final class CUDADriver: @unchecked Sendable {
    typealias Result = Int32
    typealias Handle = OpaquePointer?
    typealias HandleOut = UnsafeMutablePointer<OpaquePointer?>?
    typealias IntOut = UnsafeMutablePointer<Int32>?

    let origin: String
    let cuInit: @convention(c) (UInt32) -> Result
    let cuDriverGetVersion: @convention(c) (IntOut) -> Result
    let cuDeviceGetCount: @convention(c) (IntOut) -> Result
    let cuDeviceGet: @convention(c) (IntOut, Int32) -> Result
    let cuDeviceGetName: @convention(c) (UnsafeMutablePointer<CChar>?, Int32, Int32) -> Result
    let cuDeviceGetAttribute: @convention(c) (IntOut, Int32, Int32) -> Result
    let cuDeviceTotalMem: @convention(c) (UnsafeMutablePointer<Int>?, Int32) -> Result
    let cuDevicePrimaryCtxRetain: @convention(c) (HandleOut, Int32) -> Result
    let cuDevicePrimaryCtxRelease: @convention(c) (Int32) -> Result
    let cuCtxSetCurrent: @convention(c) (Handle) -> Result
    let cuStreamCreate: @convention(c) (HandleOut, UInt32) -> Result
    let cuStreamDestroy: @convention(c) (Handle) -> Result
    let cuStreamSynchronize: @convention(c) (Handle) -> Result
    let cuEventCreate: @convention(c) (HandleOut, UInt32) -> Result
    let cuEventRecord: @convention(c) (Handle, Handle) -> Result
    let cuEventSynchronize: @convention(c) (Handle) -> Result
    let cuEventElapsedTime: @convention(c) (UnsafeMutablePointer<Float>?, Handle, Handle) -> Result
    let cuEventDestroy: @convention(c) (Handle) -> Result
    let cuMemAlloc: @convention(c) (UnsafeMutablePointer<UInt64>?, Int) -> Result
    let cuMemFree: @convention(c) (UInt64) -> Result
    let cuMemAllocHost: @convention(c) (UnsafeMutablePointer<UnsafeMutableRawPointer?>?, Int) -> Result
    let cuMemFreeHost: @convention(c) (UnsafeMutableRawPointer?) -> Result
    let cuMemcpyHtoDAsync: @convention(c) (UInt64, UnsafeRawPointer?, Int, Handle) -> Result
    let cuMemcpyDtoHAsync: @convention(c) (UnsafeMutableRawPointer?, UInt64, Int, Handle) -> Result
    let cuMemcpyDtoDAsync: @convention(c) (UInt64, UInt64, Int, Handle) -> Result
    let cuMemsetD8Async: @convention(c) (UInt64, UInt8, Int, Handle) -> Result
    let cuMemGetInfo: @convention(c) (UnsafeMutablePointer<Int>?, UnsafeMutablePointer<Int>?) -> Result
    let cuModuleLoadData: @convention(c) (HandleOut, UnsafeRawPointer?) -> Result
    let cuModuleGetFunction: @convention(c) (HandleOut, Handle, UnsafePointer<CChar>?) -> Result
    let cuModuleUnload: @convention(c) (Handle) -> Result
    let cuLaunchKernel: @convention(c) (Handle, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, Handle,
                                         UnsafeMutablePointer<UnsafeMutableRawPointer?>?,
                                         UnsafeMutablePointer<UnsafeMutableRawPointer?>?) -> Result
    let cuStreamBeginCapture: @convention(c) (Handle, Int32) -> Result
    let cuStreamEndCapture: @convention(c) (Handle, HandleOut) -> Result
    let cuGraphInstantiateWithFlags: @convention(c) (HandleOut, Handle, UInt64) -> Result
    let cuGraphLaunch: @convention(c) (Handle, Handle) -> Result
    let cuGraphExecDestroy: @convention(c) (Handle) -> Result
    let cuGraphDestroy: @convention(c) (Handle) -> Result
    let cuGetErrorName: @convention(c) (Int32, UnsafeMutablePointer<UnsafePointer<CChar>?>?) -> Result
    let cuGetErrorString: @convention(c) (Int32, UnsafeMutablePointer<UnsafePointer<CChar>?>?) -> Result

    /// `libcuda.so.1` through the normal library search (the driver installs it there), or the file
    /// named by `VLM_LIBCUDA`.
    public static func system() throws -> CUDADriver {
        try CUDADriver(SymbolTable.open("libcuda", candidates: LibraryLocations.candidates(variable: "VLM_LIBCUDA", sonames: ["libcuda.so.1"])))
    }

    public init(_ symbols: SymbolTable) throws {
        origin = symbols.origin
        cuInit = try symbols.function("cuInit")
        cuDriverGetVersion = try symbols.function("cuDriverGetVersion")
        cuDeviceGetCount = try symbols.function("cuDeviceGetCount")
        cuDeviceGet = try symbols.function("cuDeviceGet")
        cuDeviceGetName = try symbols.function("cuDeviceGetName")
        cuDeviceGetAttribute = try symbols.function("cuDeviceGetAttribute")
        cuDeviceTotalMem = try symbols.function("cuDeviceTotalMem_v2")
        cuDevicePrimaryCtxRetain = try symbols.function("cuDevicePrimaryCtxRetain")
        cuDevicePrimaryCtxRelease = try symbols.function("cuDevicePrimaryCtxRelease_v2")
        cuCtxSetCurrent = try symbols.function("cuCtxSetCurrent")
        cuStreamCreate = try symbols.function("cuStreamCreate")
        cuStreamDestroy = try symbols.function("cuStreamDestroy_v2")
        cuStreamSynchronize = try symbols.function("cuStreamSynchronize")
        cuEventCreate = try symbols.function("cuEventCreate")
        cuEventRecord = try symbols.function("cuEventRecord")
        cuEventSynchronize = try symbols.function("cuEventSynchronize")
        cuEventElapsedTime = try symbols.function(anyOf: ["cuEventElapsedTime_v2", "cuEventElapsedTime"])
        cuEventDestroy = try symbols.function("cuEventDestroy_v2")
        cuMemAlloc = try symbols.function("cuMemAlloc_v2")
        cuMemFree = try symbols.function("cuMemFree_v2")
        cuMemAllocHost = try symbols.function("cuMemAllocHost_v2")
        cuMemFreeHost = try symbols.function("cuMemFreeHost")
        cuMemcpyHtoDAsync = try symbols.function("cuMemcpyHtoDAsync_v2")
        cuMemcpyDtoHAsync = try symbols.function("cuMemcpyDtoHAsync_v2")
        cuMemcpyDtoDAsync = try symbols.function("cuMemcpyDtoDAsync_v2")
        cuMemsetD8Async = try symbols.function("cuMemsetD8Async")
        cuMemGetInfo = try symbols.function("cuMemGetInfo_v2")
        cuModuleLoadData = try symbols.function("cuModuleLoadData")
        cuModuleGetFunction = try symbols.function("cuModuleGetFunction")
        cuModuleUnload = try symbols.function("cuModuleUnload")
        cuLaunchKernel = try symbols.function("cuLaunchKernel")
        cuStreamBeginCapture = try symbols.function("cuStreamBeginCapture_v2")
        cuStreamEndCapture = try symbols.function("cuStreamEndCapture")
        cuGraphInstantiateWithFlags = try symbols.function("cuGraphInstantiateWithFlags")
        cuGraphLaunch = try symbols.function("cuGraphLaunch")
        cuGraphExecDestroy = try symbols.function("cuGraphExecDestroy")
        cuGraphDestroy = try symbols.function("cuGraphDestroy")
        cuGetErrorName = try symbols.function("cuGetErrorName")
        cuGetErrorString = try symbols.function("cuGetErrorString")
    }

    /// Throws `CUDAError.driver` unless `result` is CUDA_SUCCESS.
    func check(_ result: Int32, _ call: String) throws {
        guard result != 0 else { return }
        throw error(result, call)
    }

    func error(_ result: Int32, _ call: String) -> CUDAError {
        var name: UnsafePointer<CChar>?
        var message: UnsafePointer<CChar>?
        _ = cuGetErrorName(result, &name)
        _ = cuGetErrorString(result, &message)
        return .driver(call: call, code: result, name: name.map { String(cString: $0) } ?? "CUDA_ERROR_\(result)",
                       message: message.map { String(cString: $0) } ?? "unknown error")
    }
}
