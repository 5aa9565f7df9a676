import VLMChat
import VLMEngine
import VLMJSON

/// The model's text and vision side, which the server drives for every request: chat template,
/// tokenizer, image/video preprocessing. The real one is built from a checkpoint folder; the server's
/// tests use a small fake, so HTTP behaviour is specified apart from any model.
///
/// Errors thrown here are the user's (a template that refuses the conversation, an image that does not
/// decode) and are answered with 400 and the error's description.
public protocol ModelFrontend: Sendable {
    /// Prompt text for parsed messages; each image/video part becomes the model's single placeholder
    /// token (`<|image_pad|>` / `<|video_pad|>`), expanded later by the server.
    func renderChat(_ messages: [ChatMessage], options: ChatRenderOptions) throws -> String
    func encode(_ text: String, addSpecialTokens: Bool) throws -> [Int]
    /// Throws for ids outside the vocabulary.
    func decode(_ tokenIds: [Int], skipSpecialTokens: Bool) throws -> String
    var imagePadTokenId: Int { get }
    var videoPadTokenId: Int { get }
    /// Decodes and preprocesses one item. `processorOptions` are the processor's settings
    /// (`--mm-processor-kwargs`, overridden by the request's `mm_processor_kwargs`), as vLLM hands them to
    /// the Hugging Face processor; `itemOptions` are the content part's own keys with qwen-vl-utils'
    /// meaning. May take long on big images; the server runs it off the event loops, several at once.
    func preprocess(_ media: FetchedMedia, processorOptions: JSONObject, itemOptions: MediaOptions) throws -> VisionItem
}

/// The encoded bytes of one image or video as fetched.
public struct FetchedMedia: Sendable {
    public var kind: VisionItem.Kind
    public var bytes: [UInt8]

    public init(kind: VisionItem.Kind, bytes: [UInt8]) {
        self.kind = kind
        self.bytes = bytes
    }
}
