import VLMEngine
import VLMJSON

/// The model's text and vision side, which the server drives for every request: chat template,
/// tokenizer, image/video preprocessing. `vlm serve` builds the real one from a checkpoint folder;
/// the server's tests use a small fake, so HTTP behaviour is specified apart from any model.
///
/// Errors thrown here are the user's (a template that refuses the conversation, an image that does not
/// decode) and are answered with 400 and the error's description.
public protocol ModelFrontend: Sendable {
    /// Prompt text for OpenAI-style messages; each image/video part becomes the model's single
    /// placeholder token (`<|image_pad|>` / `<|video_pad|>`), expanded later by the server.
    func renderChat(_ input: ChatTemplateInput) throws -> String
    func encode(_ text: String, addSpecialTokens: Bool) throws -> [Int]
    /// Throws for ids outside the vocabulary.
    func decode(_ tokenIds: [Int], skipSpecialTokens: Bool) throws -> String
    var imagePadTokenId: Int { get }
    var videoPadTokenId: Int { get }
    /// Decodes and preprocesses one item. `processorOptions` are the processor's settings
    /// (`--mm-processor-kwargs`, overridden by the request's `mm_processor_kwargs`), as vLLM hands them to
    /// the Hugging Face processor; `itemOptions` are the content part's own keys (`min_pixels`,
    /// `max_pixels`, `resized_height`, `fps`, ...) with qwen-vl-utils' meaning. May take long on big
    /// images; the server runs it off the event loops, several at once.
    func preprocess(_ media: FetchedMedia, processorOptions: JSONObject, itemOptions: JSONObject) throws -> VisionItem
}

/// What the chat template renders.
public struct ChatTemplateInput: Sendable {
    public var messages: [JSONValue]
    public var addGenerationPrompt: Bool
    public var continueFinalMessage: Bool
    /// A request's own template (vLLM's `chat_template` field) instead of the server's.
    public var chatTemplate: String?
    /// Extra template variables (`chat_template_kwargs`).
    public var templateVariables: JSONObject
    public var tools: JSONValue?

    public init(messages: [JSONValue], addGenerationPrompt: Bool = true, continueFinalMessage: Bool = false,
                chatTemplate: String? = nil, templateVariables: JSONObject = JSONObject(), tools: JSONValue? = nil)
    {
        self.messages = messages
        self.addGenerationPrompt = addGenerationPrompt
        self.continueFinalMessage = continueFinalMessage
        self.chatTemplate = chatTemplate
        self.templateVariables = templateVariables
        self.tools = tools
    }
}

/// The encoded bytes of one image or video as fetched; a video may come as its frames' images.
public struct FetchedMedia: Sendable {
    public enum Content: Sendable {
        case encoded([UInt8])
        case frames([[UInt8]])
    }

    public var kind: VisionItem.Kind
    public var content: Content

    public init(kind: VisionItem.Kind, content: Content) {
        self.kind = kind
        self.content = content
    }
}
