/// Why a tokenizer could not be loaded. Messages name the file and the field so a user can act on them.
public enum TokenizerError: Error, CustomStringConvertible, Equatable, Sendable {
    /// A required file is missing or unreadable.
    case fileUnreadable(path: String, reason: String)
    /// A file is not valid JSON or a field has the wrong shape.
    case malformed(file: String, reason: String)
    /// The file asks for something this implementation does not do (named, with its value).
    case unsupportedFeature(file: String, feature: String)

    public var description: String {
        switch self {
        case .fileUnreadable(let path, let reason):
            return "cannot read \(path): \(reason)"
        case .malformed(let file, let reason):
            return "\(file) is malformed: \(reason)"
        case .unsupportedFeature(let file, let feature):
            return "\(file) uses \(feature), which this tokenizer does not support"
        }
    }
}
