import VLMEngine
import VLMJSON

/// One OpenAI chat message as far as the server must understand it: its role and which images and
/// videos it carries, in order. The chat template gets the message itself, untouched.
struct ChatMessage: Decodable {
    var role: String
    var content: Content?

    enum CodingKeys: String, CodingKey { case role, content }

    /// A string, a list of parts, or null (an assistant turn that only calls tools).
    enum Content: Decodable {
        case text(String)
        case parts([ContentPart])

        init(from decoder: Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let text = try? container.decode(String.self) {
                self = .text(text)
            } else if (try? decoder.unkeyedContainer()) != nil {
                self = .parts(try container.decode([ContentPart].self))
            } else {
                throw DecodingError.typeMismatch(
                    ChatMessage.self, .init(codingPath: decoder.codingPath, debugDescription: "expected a string or a list of content parts"))
            }
        }
    }

    var media: [MediaReference] {
        guard case .parts(let parts)? = content else { return [] }
        return parts.compactMap { if case .media(let reference) = $0 { return reference } else { return nil } }
    }

    /// The text of a string content or of its text parts, joined (for `echo`).
    var text: String {
        switch content {
        case .text(let text)?: return text
        case .parts(let parts)?:
            return parts.compactMap { if case .text(let text) = $0 { return text } else { return nil } }.joined(separator: "\n")
        case nil: return ""
        }
    }
}

/// An image or video named by a message part: one URL, or (qwen-vl-utils style) a video as a list of
/// frame URLs; with the part's own preprocessing overrides (`min_pixels`, `max_pixels`, ...).
struct MediaReference: Sendable, Equatable {
    var kind: VisionItem.Kind
    var urls: [String]
    var isFrameList: Bool
    var overrides: JSONObject
}

enum ContentPart: Decodable {
    case text(String)
    case media(MediaReference)

    /// Part-level keys that override the processor settings for this item (qwen-vl-utils' names).
    static let overrideKeys = ["min_pixels", "max_pixels", "resized_height", "resized_width", "total_pixels",
                               "fps", "nframes", "min_frames", "max_frames"]

    init(from decoder: Decoder) throws {
        let part = try decoder.singleValueContainer().decode(JSONValue.self)
        guard let object = part.objectValue else {
            throw DecodingError.typeMismatch(JSONObject.self, .init(codingPath: decoder.codingPath, debugDescription: "expected a content part object, found \(part.typeName)"))
        }
        let path = decoder.codingPath
        guard let type = object["type"]?.stringValue else {
            throw DecodingError.keyNotFound(StringCodingKey("type"), .init(codingPath: path, debugDescription: "field required"))
        }
        switch type {
        case "text", "input_text":
            guard let text = object["text"]?.stringValue else {
                throw DecodingError.typeMismatch(String.self, .init(codingPath: path + [StringCodingKey("text")], debugDescription: "a text part needs a string `text`"))
            }
            self = .text(text)
        case "image_url", "image", "video_url", "video":
            self = .media(try Self.mediaReference(type: type, object: object, path: path))
        default:
            throw APIError.badRequest("Unknown part type: \(type)", param: codingPathDescription(path))
        }
    }

    private static func mediaReference(type: String, object: JSONObject, path: [CodingKey]) throws -> MediaReference {
        let kind: VisionItem.Kind = type.hasPrefix("image") ? .image : .video
        var overrides = JSONObject()
        let payload = object[type]
        // `{"url": ...}` objects may carry overrides too; the part's own keys win.
        for source in [payload?.objectValue, object].compactMap({ $0 }) {
            for key in overrideKeys { if let value = source[key] { overrides[key] = value } }
        }
        let fieldPath = codingPathDescription(path + [StringCodingKey(type)])
        switch payload {
        case .string(let url)?:
            return MediaReference(kind: kind, urls: [url], isFrameList: false, overrides: overrides)
        case .object(let inner)? where inner["url"]?.stringValue != nil:
            return MediaReference(kind: kind, urls: [inner["url"]?.stringValue ?? ""], isFrameList: false, overrides: overrides)
        case .array(let frames)? where kind == .video && !frames.isEmpty && frames.allSatisfy({ $0.stringValue != nil }):
            return MediaReference(kind: kind, urls: frames.compactMap(\.stringValue), isFrameList: true, overrides: overrides)
        default:
            throw APIError.badRequest(
                "A `\(type)` part needs `\(type)` as a URL string or an object with a `url` string\(kind == .video ? " (or a list of frame URLs)" : "").",
                param: fieldPath)
        }
    }
}
