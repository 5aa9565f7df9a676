/// Failures of backend memory operations.
public enum ComputeError: Error, Equatable, Sendable, CustomStringConvertible {
    case outOfMemory(bytes: Int, backend: String)
    case foreignTensor(backend: String, location: String)
    case valueCountMismatch(shape: [Int], values: Int)
    case unsupportedDType(DType, operation: String)
    case deviceUnavailable(String)

    public var description: String {
        switch self {
        case let .outOfMemory(bytes, backend):
            return "\(backend): could not allocate \(bytes) bytes"
        case let .foreignTensor(backend, location):
            return "\(backend): tensor lives in \(location) memory and must be copied first"
        case let .valueCountMismatch(shape, values):
            return "\(values) values do not fill a tensor of shape \(shape)"
        case let .unsupportedDType(dtype, operation):
            return "\(operation) does not support \(dtype.rawValue)"
        case let .deviceUnavailable(reason):
            return reason
        }
    }
}
