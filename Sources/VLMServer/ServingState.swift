import Hummingbird
import Logging
import NIOCore
import VLMChat
import VLMEngine
import VLMJSON

/// What every route shares: the engine, the model's frontend, media loading, settings and metrics;
/// and the steps routes have in common (reading the body, checking the model, building prompts).
struct ServingState: Sendable {
    let engine: any GenerationEngine
    let frontend: any ModelFrontend
    let settings: ServerSettings
    let media: MediaLoader
    let metrics: ServerMetrics
    let logger: Logger

    /// Reads and decodes a JSON body; every way it can be wrong is a 400 (never 413/422).
    func decodeBody<T: Decodable>(_ type: T.Type, from request: Request) async throws -> T {
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: settings.maxRequestBodyBytes)
        } catch is NIOTooManyBytesError {
            throw APIError.badRequest(
                "The request body is larger than \(settings.maxRequestBodyBytes) bytes, this server's limit; raise it with --max-request-body-size.")
        }
        let value: JSONValue
        do {
            value = try JSONParser.parse(buffer.readableBytesView)
        } catch let error as JSONParseError {
            throw APIError.badRequest("The request body is not valid JSON: \(error)")
        }
        guard value.objectValue != nil else {
            throw APIError.badRequest("The request body must be a JSON object, not \(value.typeName).")
        }
        do {
            return try JSONValueDecoder().decode(type, from: value)
        } catch let error as DecodingError {
            throw APIError(error)
        }
    }

    /// Reads a generation request and checks what the server alone can judge: its fields, the model
    /// name, the logprobs asked for. Returns the body and the model name to report.
    func accept<Body: GenerationBody>(_ type: Body.Type, from request: Request) async throws -> (body: Body, model: String) {
        let body = try await decodeBody(type, from: request)
        try body.validate()
        let model = try resolveModel(body.fields.model)
        try checkLogprobs(body.requestedLogprobs)
        return (body, model)
    }

    /// The served name a request asks for; nil or empty means the first. Unknown names are a 404.
    func resolveModel(_ requested: String?) throws -> String {
        guard let requested, !requested.isEmpty else { return settings.reportedModelName }
        guard settings.servedModelNames.contains(requested) else { throw APIError.modelNotFound(requested) }
        return settings.reportedModelName
    }

    func checkLogprobs(_ requested: Int?) throws {
        guard let requested else { return }
        if requested < 0 || requested > settings.maxLogprobs {
            throw APIError.badRequest(
                "Requested sample logprobs of \(requested), which is greater than max allowed: \(settings.maxLogprobs) (raise it with --max-logprobs).",
                param: "logprobs")
        }
    }

    /// Runs a frontend step; its errors are the request's fault (400).
    func frontendStep<T>(_ step: () throws -> T) throws -> T {
        do {
            return try step()
        } catch let error as APIError {
            throw error
        } catch {
            throw APIError.badRequest("\(error)")
        }
    }

    /// Renders, tokenizes and loads media for a conversation: the engine's prompt, pads expanded.
    func chatPrompt(messages: [ChatMessage], options: ChatRenderOptions, processorOptions: JSONObject,
                    addSpecialTokens: Bool) async throws -> PreparedPrompt
    {
        let references = messages.flatMap(\.media)
        try media.checkLimits(references)
        let text = try frontendStep { try frontend.renderChat(messages, options: options) }
        let ids = try frontendStep { try frontend.encode(text, addSpecialTokens: addSpecialTokens) }
        let items = try await media.load(references, requestOptions: processorOptions)
        return PreparedPrompt(tokenIds: try expandVisionPads(ids, items: items), items: items)
    }

    /// A text-only prompt (completions, /tokenize): must hold no image or video placeholders.
    func textPrompt(_ ids: [Int]) throws -> PreparedPrompt {
        PreparedPrompt(tokenIds: try expandVisionPads(ids, items: []), items: [])
    }

    /// Replaces each image/video placeholder with its item's t·h·w/4 pad tokens, items in prompt order.
    func expandVisionPads(_ ids: [Int], items: [VisionItem]) throws -> [Int] {
        var pending: [VisionItem.Kind: ArraySlice<VisionItem>] = [
            .image: ArraySlice(items.filter { $0.kind == .image }),
            .video: ArraySlice(items.filter { $0.kind == .video }),
        ]
        var pads: [Int: VisionItem.Kind] = [:]
        pads[frontend.imagePadTokenId] = .image
        pads[frontend.videoPadTokenId] = .video
        let placeholders = ids.reduce(into: [VisionItem.Kind.image: 0, .video: 0]) { counts, id in
            if let kind = pads[id] { counts[kind, default: 0] += 1 }
        }
        for kind in [VisionItem.Kind.image, .video] where placeholders[kind] != pending[kind]?.count {
            throw APIError.badRequest(
                "The prompt has \(placeholders[kind] ?? 0) \(kind.rawValue) placeholder(s) but the request carries \(pending[kind]?.count ?? 0) \(kind.rawValue)(s); each \(kind.rawValue) must appear once, as a content part (no placeholder tokens in text).")
        }
        var expanded: [Int] = []
        expanded.reserveCapacity(ids.count + items.reduce(0) { $0 + $1.tokenCount })
        for id in ids {
            if let kind = pads[id], let item = pending[kind]?.popFirst() {
                expanded.append(contentsOf: repeatElement(id, count: item.tokenCount))
            } else {
                expanded.append(id)
            }
        }
        return expanded
    }

    func logRequest(_ id: String, prompt: PreparedPrompt, sampling: SamplingParams) {
        guard settings.logRequests else { return }
        let media = MediaTokenCounts(items: prompt.items)
        logger.info("Received request \(id): \(prompt.tokenIds.count) prompt tokens (\(media.image) image, \(media.video) video), n=\(sampling.n), temperature=\(sampling.temperature), top_p=\(sampling.topP), max_tokens=\(sampling.maxTokens.map(String.init) ?? "auto")")
    }
}

/// A chat or text completion body.
protocol GenerationBody: Decodable {
    var fields: GenerationFields { get }
    func validate() throws
    /// Top logprobs per token asked for; nil: none.
    var requestedLogprobs: Int? { get }
}

/// A prompt ready for the engine.
struct PreparedPrompt: Sendable {
    var tokenIds: [Int]
    var items: [VisionItem]
}
