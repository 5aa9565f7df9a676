#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import VLMJSON
import VLMTemplate

/// What a chat template needs besides the messages.
public struct ChatRenderOptions: Sendable {
    /// End with the assistant header so the model answers (OpenAI chat requests always want this).
    public var addGenerationPrompt = true
    /// Qwen's "Picture 1: " / "Video 1: " labels (passes `add_vision_id=True` to the template).
    public var addVisionID = false
    /// End the prompt inside the last message so the model continues it (vLLM's and transformers'
    /// `continue_final_message`); incompatible with `addGenerationPrompt`.
    public var continueFinalMessage = false
    /// Tool schemas and documents, passed as `tools` / `documents` (None when absent, as transformers does).
    public var tools: JSONValue?
    public var documents: JSONValue?
    /// The request's `chat_template_kwargs`: extra template variables.
    public var templateArguments = JSONObject()

    public init() {}
}

/// The prompt text and the media whose placeholders it contains, in the order they appear.
public struct RenderedPrompt: Sendable, Equatable {
    public let text: String
    public let media: [MediaReference]
}

/// Renders chat messages with a checkpoint's chat template, giving the template the variables
/// transformers' `apply_chat_template` gives it: `messages`, `tools`, `documents`,
/// `add_generation_prompt`, the tokenizer's special tokens (`eos_token`, `pad_token`, ...) and the
/// extra keyword arguments.
public struct ChatPromptRenderer: Sendable {
    public let template: JinjaTemplate
    public let source: ChatTemplateSource
    public let specialTokens: JSONObject

    public init(source: ChatTemplateSource, specialTokens: JSONObject) throws {
        template = try JinjaTemplate(source.text)
        self.source = source
        self.specialTokens = specialTokens
    }

    /// The renderer for a checkpoint folder, with an optional `--chat-template` override.
    public init(modelDirectory: String, chatTemplate: String? = nil) throws {
        try self.init(source: try ChatTemplateLoader.load(modelDirectory: modelDirectory, override: chatTemplate),
                      specialTokens: try SpecialTokens.load(modelDirectory: modelDirectory))
    }

    private static let reservedArguments: Set<String> = ["messages", "tools", "documents", "add_generation_prompt"]

    public func render(_ messages: [ChatMessage], options: ChatRenderOptions = ChatRenderOptions(),
                       clock: TemplateClock = .system) throws -> RenderedPrompt
    {
        var context = specialTokens
        if options.addVisionID { context["add_vision_id"] = true }
        for (key, value) in options.templateArguments {
            if Self.reservedArguments.contains(key) {
                throw ChatInputError("chat_template_kwargs may not set '\(key)'")
            }
            context[key] = value
        }
        var fields = messages.map(\.templateFields)
        var continued: String?
        if options.continueFinalMessage {
            continued = try FinalMessageContinuation.mark(&fields, templateText: source.text,
                                                          addGenerationPrompt: options.addGenerationPrompt)
        }
        context["messages"] = .array(fields.map { .object($0) })
        context["tools"] = options.tools ?? .null
        context["documents"] = options.documents ?? .null
        context["add_generation_prompt"] = .bool(options.addGenerationPrompt)
        var text = try template.render(json: context, clock: clock)
        if let continued { text = try FinalMessageContinuation.cut(text, finalMessage: continued) }
        return RenderedPrompt(text: text, media: messages.flatMap(\.media))
    }
}

/// The special tokens transformers passes to chat templates (`special_tokens_map`): the named ones
/// (`bos_token` ... `mask_token`) that are set, any other `*_token` string of tokenizer_config.json,
/// and the entries of a named `extra_special_tokens` map. An AddedToken object counts by its `content`.
public enum SpecialTokens {
    /// From a checkpoint folder: tokenizer_config.json, overlaid by the legacy special_tokens_map.json
    /// when the config predates `added_tokens_decoder` (transformers reads it only then).
    public static func load(modelDirectory: String) throws -> JSONObject {
        let directory = URL(fileURLWithPath: modelDirectory)
        var config = try ChatTemplateLoader.readJSON(directory.appendingPathComponent("tokenizer_config.json"))?.objectValue ?? JSONObject()
        if config["added_tokens_decoder"] == nil,
           let legacy = try ChatTemplateLoader.readJSON(directory.appendingPathComponent("special_tokens_map.json"))?.objectValue
        {
            for (key, value) in legacy { config[key] = value }
        }
        return named(in: config)
    }

    public static func named(in tokenizerConfig: JSONObject) -> JSONObject {
        var tokens = JSONObject()
        func text(_ value: JSONValue) -> String? {
            value.stringValue ?? value["content"]?.stringValue
        }
        for name in ["bos_token", "eos_token", "unk_token", "sep_token", "pad_token", "cls_token", "mask_token"] {
            if let value = tokenizerConfig[name].flatMap(text) { tokens[name] = .string(value) }
        }
        for (key, value) in tokenizerConfig where key.hasSuffix("_token") && tokens[key] == nil {
            if let token = text(value) { tokens[key] = .string(token) }
        }
        if let extra = tokenizerConfig["extra_special_tokens"]?.objectValue {
            for (key, value) in extra {
                if let token = text(value) { tokens[key] = .string(token) }
            }
        }
        return tokens
    }
}
