/// Failures of the CUDA backend, with messages a user can act on.
public enum CUDAError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A shared library could not be loaded from any candidate location.
    case libraryNotFound(library: String, tried: [String], reasons: [String])
    case missingSymbol(library: String, symbol: String)
    /// A driver call returned an error code.
    case driver(call: String, code: Int32, name: String, message: String)
    case noDevice(requested: Int, available: Int)
    case nvrtc(call: String, code: Int32, message: String)
    /// NVRTC rejected a kernel source; `log` is its full compile log.
    case compilation(file: String, architecture: String, log: String)
    case kernelNotFound(String)
    case cublas(call: String, status: Int32)
    /// A kernel found an invalid index in its input (reported through the status word).
    case invalidKernelInput(String)
    /// An operation was queued while a graph capture was open on another thread, or similar misuse.
    case invalidState(String)

    public var description: String {
        switch self {
        case let .libraryNotFound(library, tried, reasons):
            let why = reasons.last ?? "not found"
            if library == "libcuda" {
                return "no CUDA driver: could not load \(tried.joined(separator: ", ")) (\(why)). "
                    + "Run on a machine with an NVIDIA GPU and its driver, or use --device cpu."
            }
            let variable = library == "libnvrtc" ? "VLM_NVRTC" : "VLM_CUBLASLT"
            return "could not load \(library) from \(tried.joined(separator: ", ")) (\(why)); "
                + "set \(variable) to the library file or its folder"
        case let .missingSymbol(library, symbol):
            return "\(library) has no function \(symbol): the library is too old or not the expected one"
        case let .driver(call, code, name, message):
            return "CUDA driver call \(call) failed: \(name) (\(code)): \(message)"
        case let .noDevice(requested, available):
            return available == 0 ? "no CUDA device is visible to the driver"
                : "CUDA device \(requested) does not exist (\(available) visible)"
        case let .nvrtc(call, code, message):
            return "NVRTC call \(call) failed (\(code)): \(message)"
        case let .compilation(file, architecture, log):
            return "NVRTC could not compile \(file) for \(architecture):\n\(log)"
        case let .kernelNotFound(name):
            return "kernel \(name) is not instantiated in any kernel source (its file's VLM_KERNELS list)"
        case let .cublas(call, status):
            return "cuBLASLt call \(call) failed with status \(status)"
        case let .invalidKernelInput(reason):
            return "a GPU kernel rejected its input: \(reason)"
        case let .invalidState(reason):
            return reason
        }
    }
}
