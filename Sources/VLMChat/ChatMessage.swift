import VLMJSON

/// A chat message after validation: typed role and content for the server and the media pipeline, and
/// the fields the chat template sees.
public struct ChatMessage: Sendable, Equatable {
    public var role: ChatRole
    public var content: ChatContent
    /// The message as transformers hands it to the template: the request's fields with null ones dropped
    /// and reasoning aliased (`thinking` / `reasoning_content`); content parts keep their own keys.
    public var templateFields: JSONObject

    public init(role: ChatRole, content: ChatContent, templateFields: JSONObject) {
        self.role = role
        self.content = content
        self.templateFields = templateFields
    }

    /// The images and videos of this message, in order.
    public var media: [MediaReference] {
        guard case .parts(let parts) = content else { return [] }
        return parts.compactMap { part in
            if case .media(let reference) = part { return reference }
            return nil
        }
    }
}

public enum ChatRole: String, Sendable, CaseIterable {
    case system, developer, user, assistant, tool
}

public enum ChatContent: Sendable, Equatable {
    case text(String)
    case parts([ContentPart])
    /// No content (an assistant turn that only calls tools).
    case absent
}

public enum ContentPart: Sendable, Equatable {
    case text(String)
    case media(MediaReference)
}

public enum MediaKind: String, Sendable {
    case image, video
}

/// An image or video to fetch: where from, and the per-item preprocessing options of the request
/// (qwen-vl-utils' keys).
public struct MediaReference: Sendable, Equatable {
    public var kind: MediaKind
    /// An `http(s)://`, `file://` or `data:` URL, or a path, as the request gave it.
    public var url: String
    public var options: MediaOptions

    public init(kind: MediaKind, url: String, options: MediaOptions = MediaOptions()) {
        self.kind = kind
        self.url = url
        self.options = options
    }
}

/// Per-item overrides of the image/video processor (absent: the processor's defaults).
public struct MediaOptions: Sendable, Equatable {
    public var minPixels: Int?
    public var maxPixels: Int?
    public var resizedHeight: Int?
    public var resizedWidth: Int?
    /// Videos: total pixel budget over all frames, frame rate or count of sampled frames, and bounds.
    public var totalPixels: Int?
    public var fps: Double?
    public var frameCount: Int?
    public var minFrames: Int?
    public var maxFrames: Int?
    /// Videos: the segment to read, in seconds.
    public var videoStart: Double?
    public var videoEnd: Double?

    public init() {}
}

/// A request the server must refuse with 400: what is wrong and where (`messages[1].content[0].type`).
public struct ChatInputError: Error, Equatable, Sendable, CustomStringConvertible {
    public let message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
