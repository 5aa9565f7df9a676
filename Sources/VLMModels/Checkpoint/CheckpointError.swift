/// Why a checkpoint folder's weights could not be used. Messages name the file and the tensor.
public enum CheckpointError: Error, Equatable, Sendable, CustomStringConvertible {
    case noWeights(directory: String)
    case unreadable(file: String, reason: String)
    case malformedHeader(file: String, reason: String)
    case malformedIndex(file: String, reason: String)
    case missingShard(file: String, index: String)
    /// The file ends before the bytes its header promises; `tensor` is the first tensor cut off.
    case truncated(file: String, tensor: String?, expectedBytes: Int, actualBytes: Int)
    case unsupportedDType(tensor: String, dtype: String, file: String)
    case missingTensor(name: String, directory: String)
    case wrongShape(tensor: String, expected: [Int], found: [Int])
    case inconsistentShapes(reason: String)

    public var description: String {
        switch self {
        case let .noWeights(directory):
            return "no model.safetensors or model.safetensors.index.json in \(directory)"
        case let .unreadable(file, reason):
            return "cannot read \(file): \(reason)"
        case let .malformedHeader(file, reason):
            return "\(file) is not a valid safetensors file: \(reason)"
        case let .malformedIndex(file, reason):
            return "\(file) is not a valid safetensors index: \(reason)"
        case let .missingShard(file, index):
            return "\(index) names the shard \(file), which is not in the checkpoint folder"
        case let .truncated(file, tensor, expected, actual):
            let what = tensor.map { "tensor \($0) needs" } ?? "the header needs"
            return "\(file) is truncated: \(what) \(expected) bytes but the file has \(actual) (re-download it)"
        case let .unsupportedDType(tensor, dtype, file):
            return "tensor \(tensor) in \(file) has dtype \(dtype); only BF16, F16 and F32 are supported"
        case let .missingTensor(name, directory):
            return "tensor \(name) is missing from the checkpoint in \(directory)"
        case let .wrongShape(tensor, expected, found):
            return "tensor \(tensor) has shape \(found) but the model configuration needs \(expected)"
        case let .inconsistentShapes(reason):
            return "checkpoint shapes are inconsistent: \(reason)"
        }
    }
}
