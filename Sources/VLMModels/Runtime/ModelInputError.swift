/// A request or step the model cannot run, with what is wrong.
public enum ModelInputError: Error, Equatable, Sendable, CustomStringConvertible {
    case tokenOutOfRange(id: Int, vocabularySize: Int)
    case invalidStep(String)
    case placeholderMismatch(String)
    case invalidVisionInput(String)

    public var description: String {
        switch self {
        case let .tokenOutOfRange(id, vocabularySize):
            return "token id \(id) is outside the vocabulary (0..<\(vocabularySize))"
        case let .invalidStep(reason):
            return "invalid forward step: \(reason)"
        case let .placeholderMismatch(reason):
            return "vision placeholders do not match the images/videos: \(reason)"
        case let .invalidVisionInput(reason):
            return "invalid image/video input: \(reason)"
        }
    }
}
