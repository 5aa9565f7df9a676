/// Why a checkpoint's configuration files could not be used.
public enum ModelConfigError: Error, Equatable, Sendable, CustomStringConvertible {
    case missingFile(path: String)
    case malformed(file: String, reason: String)
    case unknownModelType(String?, file: String, known: [String])
    case missingField(file: String, key: String, hint: String)
    case wrongType(file: String, key: String, expected: String)
    case invalidValue(file: String, key: String, reason: String)

    public var description: String {
        switch self {
        case let .missingFile(path):
            return "\(path) does not exist: is this a Hugging Face checkpoint folder?"
        case let .malformed(file, reason):
            return "\(file) is not valid JSON: \(reason)"
        case let .unknownModelType(type, file, known):
            let found = type.map { "model_type \"\($0)\"" } ?? "no model_type"
            return "\(file) has \(found); supported: \(known.joined(separator: ", "))"
        case let .missingField(file, key, hint):
            return "\(file) lacks \(key)" + (hint.isEmpty ? "" : ": \(hint)")
        case let .wrongType(file, key, expected):
            return "\(file): \(key) must be \(expected)"
        case let .invalidValue(file, key, reason):
            return "\(file): \(key) \(reason)"
        }
    }
}
