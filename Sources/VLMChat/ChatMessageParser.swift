import VLMJSON

/// OpenAI `messages` (as JSON) to validated `ChatMessage`s. Accepts what the OpenAI API and Qwen's own
/// examples send: content as a string or a list of parts (`text`, `image_url` with `{"url": ...}` or a
/// bare string, `video_url`, qwen-vl-utils' `image` / `video` with per-item options); every mistake is a
/// `ChatInputError` naming the field.
public enum ChatMessageParser {
    public static func parse(_ messages: JSONValue) throws -> [ChatMessage] {
        guard let items = messages.arrayValue else {
            throw ChatInputError("messages must be an array of message objects, not \(messages.typeName)")
        }
        guard !items.isEmpty else { throw ChatInputError("messages must contain at least one message") }
        return try items.enumerated().map { index, item in try parseMessage(item, path: "messages[\(index)]") }
    }

    static func parseMessage(_ value: JSONValue, path: String) throws -> ChatMessage {
        guard let object = value.objectValue else {
            throw ChatInputError("\(path) must be an object, not \(value.typeName)")
        }
        guard let roleName = object["role"]?.stringValue else {
            throw ChatInputError("\(path).role is required and must be a string")
        }
        guard let role = ChatRole(rawValue: roleName) else {
            let roles = ChatRole.allCases.map(\.rawValue).joined(separator: ", ")
            throw ChatInputError("\(path).role '\(roleName)' is not supported (expected one of: \(roles))")
        }
        try checkOptionalFields(object, role: role, path: path)
        let content = try parseContent(object["content"], role: role, path: "\(path).content")
        var fields = templateFields(object)
        if case .parts = content, let parts = fields["content"]?.arrayValue {
            fields["content"] = .array(parts.map(templatePart))
        }
        return ChatMessage(role: role, content: content, templateFields: fields)
    }

    /// A media part as the template sees it: its `type` is the media kind, `image` or `video`, as vLLM
    /// presents parts to chat templates. Qwen's template recognises videos only by `type == 'video'`
    /// or a `video` key, so an OpenAI `video_url` part would otherwise render no placeholder at all.
    private static func templatePart(_ part: JSONValue) -> JSONValue {
        guard var object = part.objectValue else { return part }
        let type = object["type"]?.stringValue ?? partTypes.first(where: { object.contains($0) })
        switch type {
        case "image_url", "image": object["type"] = "image"
        case "video_url", "video": object["type"] = "video"
        default: return part
        }
        return .object(object)
    }

    private static func checkOptionalFields(_ object: JSONObject, role: ChatRole, path: String) throws {
        for key in ["name", "tool_call_id", "reasoning_content", "reasoning", "thinking"] {
            if let value = object[key], !value.isNull, value.stringValue == nil {
                throw ChatInputError("\(path).\(key) must be a string, not \(value.typeName)")
            }
        }
        if let calls = object["tool_calls"], !calls.isNull {
            guard role == .assistant else { throw ChatInputError("\(path).tool_calls is only allowed on assistant messages") }
            guard calls.arrayValue != nil else { throw ChatInputError("\(path).tool_calls must be an array, not \(calls.typeName)") }
        }
    }

    private static func parseContent(_ value: JSONValue?, role: ChatRole, path: String) throws -> ChatContent {
        switch value {
        case nil, .null?:
            guard role == .assistant else { throw ChatInputError("\(path) is required for \(role.rawValue) messages") }
            return .absent
        case .string(let text)?:
            return .text(text)
        case .array(let parts)?:
            return .parts(try parts.enumerated().map { index, part in
                try parsePart(part, role: role, path: "\(path)[\(index)]")
            })
        case let other?:
            throw ChatInputError("\(path) must be a string or an array of content parts, not \(other.typeName)")
        }
    }

    private static let partTypes = ["text", "image_url", "image", "video_url", "video"]

    private static func parsePart(_ value: JSONValue, role: ChatRole, path: String) throws -> ContentPart {
        if case .string(let text) = value { return .text(text) }
        guard let object = value.objectValue else {
            throw ChatInputError("\(path) must be an object or a string, not \(value.typeName)")
        }
        let type: String
        switch object["type"] {
        case .string(let given)?: type = given
        case nil, .null?:
            guard let inferred = partTypes.first(where: { object.contains($0) }) else {
                throw ChatInputError("\(path) has no 'type' (expected one of: \(partTypes.joined(separator: ", ")))")
            }
            type = inferred
        case let other?:
            throw ChatInputError("\(path).type must be a string, not \(other.typeName)")
        }
        if role == .assistant && type != "text" {
            throw ChatInputError("\(path): assistant content parts must be text, not '\(type)'")
        }
        switch type {
        case "text":
            guard let text = object["text"]?.stringValue else {
                throw ChatInputError("\(path).text is required and must be a string")
            }
            return .text(text)
        case "image_url", "video_url", "image", "video":
            let kind: MediaKind = type.hasPrefix("image") ? .image : .video
            let url = try mediaURL(object, key: type, path: path)
            return .media(MediaReference(kind: kind, url: url, options: try MediaOptionsParser.parse(object, path: path)))
        default:
            throw ChatInputError("\(path).type '\(type)' is not supported (expected one of: \(partTypes.joined(separator: ", ")))")
        }
    }

    /// `"image_url": {"url": "..."}` or `"image_url": "..."` (and the same for the other media keys).
    private static func mediaURL(_ object: JSONObject, key: String, path: String) throws -> String {
        switch object[key] {
        case .string(let url)?:
            return url
        case .object(let inner)?:
            guard let url = inner["url"]?.stringValue else {
                throw ChatInputError("\(path).\(key).url is required and must be a string")
            }
            return url
        case .array?:
            throw ChatInputError("\(path).\(key): a list of frames is not supported; pass one URL")
        case nil, .null?:
            throw ChatInputError("\(path).\(key) is required for a '\(key)' part")
        case let other?:
            throw ChatInputError("\(path).\(key) must be a URL string or {\"url\": ...}, not \(other.typeName)")
        }
    }

    /// transformers' message normalisation: fields set to null are dropped (templates test presence), and
    /// a message's reasoning is offered as both `thinking` and `reasoning_content`.
    static func templateFields(_ object: JSONObject) -> JSONObject {
        var fields = JSONObject()
        for (key, value) in object where !value.isNull { fields[key] = value }
        guard let reasoning = ["reasoning_content", "thinking", "reasoning"].lazy.compactMap({ fields[$0] }).first else {
            return fields
        }
        var aliased = JSONObject()
        aliased["thinking"] = reasoning
        for (key, value) in fields { aliased[key] = value }
        aliased["reasoning_content"] = reasoning
        return aliased
    }
}
