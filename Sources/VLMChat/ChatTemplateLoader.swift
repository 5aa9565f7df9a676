#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import VLMJSON

/// A chat template's text and where it came from (for messages and logs).
public struct ChatTemplateSource: Sendable, Equatable {
    public let text: String
    public let origin: String

    public init(text: String, origin: String) {
        self.text = text
        self.origin = origin
    }
}

/// Finds a checkpoint's chat template the way vLLM resolves it: an explicit override (a file, or the
/// template text itself, as `--chat-template` accepts), then the processor's `chat_template.jinja` /
/// `chat_template.json`, then the tokenizer's `chat_template` in `tokenizer_config.json` (a string, or a
/// list of named templates: "tool_use" when tools are given and it exists, else "default"). With tools,
/// the tokenizer's template is preferred over the processor's, as in vLLM.
public enum ChatTemplateLoader {
    public static func load(modelDirectory: String, override: String? = nil, withTools: Bool = false) throws -> ChatTemplateSource {
        if let override { return try loadOverride(override) }
        guard FileManager.default.fileExists(atPath: modelDirectory) else {
            throw ChatInputError("model folder not found: \(modelDirectory)")
        }
        let directory = URL(fileURLWithPath: modelDirectory)
        if let text = try readText(directory.appendingPathComponent("chat_template.jinja")) {
            return ChatTemplateSource(text: text, origin: "chat_template.jinja")
        }
        let processor = try processorTemplate(directory)
        if !withTools, let processor { return processor }
        if let tokenizer = try tokenizerTemplate(directory, withTools: withTools) { return tokenizer }
        if let processor { return processor }
        throw ChatInputError("no chat template in \(modelDirectory): expected chat_template.jinja, chat_template.json or a "
            + "chat_template in tokenizer_config.json (or pass --chat-template)")
    }

    /// The `--chat-template` value: a file's contents, or the value itself when it looks like a template.
    static func loadOverride(_ value: String) throws -> ChatTemplateSource {
        if let text = try readText(URL(fileURLWithPath: value)) {
            return ChatTemplateSource(text: text, origin: value)
        }
        guard value.contains("{") || value.contains("}") || value.contains("\n") else {
            throw ChatInputError("chat template file not found: \(value)")
        }
        return ChatTemplateSource(text: value, origin: "the --chat-template text")
    }

    private static func processorTemplate(_ directory: URL) throws -> ChatTemplateSource? {
        guard let json = try readJSON(directory.appendingPathComponent("chat_template.json")) else { return nil }
        guard let text = json["chat_template"]?.stringValue else {
            throw ChatInputError("chat_template.json has no \"chat_template\" string")
        }
        return ChatTemplateSource(text: text, origin: "chat_template.json")
    }

    private static func tokenizerTemplate(_ directory: URL, withTools: Bool) throws -> ChatTemplateSource? {
        guard let config = try readJSON(directory.appendingPathComponent("tokenizer_config.json")) else { return nil }
        switch config["chat_template"] {
        case nil, .null?:
            return nil
        case .string(let text)?:
            return ChatTemplateSource(text: text, origin: "tokenizer_config.json")
        case .array(let entries)?:
            var named: [String: String] = [:]
            for entry in entries {
                guard let name = entry["name"]?.stringValue, let template = entry["template"]?.stringValue else {
                    throw ChatInputError("tokenizer_config.json: each named chat template needs \"name\" and \"template\" strings")
                }
                named[name] = template
            }
            let name = withTools && named["tool_use"] != nil ? "tool_use" : "default"
            guard let text = named[name] else {
                throw ChatInputError("tokenizer_config.json has named chat templates (\(named.keys.sorted().joined(separator: ", "))) "
                    + "but none called \"default\"; pass --chat-template")
            }
            return ChatTemplateSource(text: text, origin: "tokenizer_config.json (\(name))")
        case let other?:
            throw ChatInputError("tokenizer_config.json: chat_template must be a string or a list, not \(other.typeName)")
        }
    }

    /// The file's text, or nil when there is no such file.
    static func readText(_ url: URL) throws -> String? {
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw ChatInputError("cannot read \(url.path)")
        }
        guard let text = String(validating: data, as: UTF8.self) else {
            throw ChatInputError("\(url.path) is not valid UTF-8")
        }
        return text
    }

    static func readJSON(_ url: URL) throws -> JSONValue? {
        guard let text = try readText(url) else { return nil }
        do {
            return try JSONParser.parse(text)
        } catch let error as JSONParseError {
            throw ChatInputError("\(url.lastPathComponent): \(error)")
        }
    }
}
