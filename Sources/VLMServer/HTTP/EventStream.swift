import Hummingbird
import VLMEngine

/// How one kind of streamed answer (chat or text) turns engine deltas into chunk choices.
protocol StreamFormat: Sendable {
    associatedtype Choice: Encodable & Sendable
    /// `chat.completion.chunk` or `text_completion`.
    var object: String { get }
    /// Chunks sent before any output (chat: each choice's role).
    func openingChoices(count: Int) -> [Choice]
    /// The chunk choice for a delta, given what that choice had before it; nil sends nothing.
    func choice(for output: RequestOutput, index: Int, before: GenerationTally.Choice) -> Choice?
}

/// Server-sent events as vLLM sends them: `data: <json>\n\n` per chunk, a usage chunk with empty
/// `choices` when `stream_options.include_usage` is set, `data: [DONE]` last. An engine failure after
/// the stream started is sent as `data: {"error":{...}}` before `[DONE]`. If the client goes away
/// (a write fails) the engine requests are aborted.
struct EventStream<Format: StreamFormat> {
    let session: GenerationSession
    let format: Format
    let id: String
    let model: String
    let choiceCount: Int
    let choicesPerPrompt: Int
    let includeUsage: Bool
    let continuousUsage: Bool
    let media: MediaTokenCounts

    func response() -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/event-stream; charset=utf-8"
        headers[.cacheControl] = "no-cache"
        return Response(status: .ok, headers: headers, body: ResponseBody { writer in
            do {
                try await write(to: &writer)
            } catch {
                session.cancel()
                throw error
            }
        })
    }

    private func write(to writer: inout any ResponseBodyWriter) async throws {
        let created = unixTime()
        func envelope(_ choices: [Format.Choice], usage: Usage? = nil) -> ResponseEnvelope<Format.Choice> {
            ResponseEnvelope(id: id, object: format.object, created: created, model: model, choices: choices, usage: usage)
        }
        for choice in format.openingChoices(count: choiceCount) {
            try await send(envelope([choice]), to: &writer)
        }
        var tally = GenerationTally(choicesPerPrompt: choicesPerPrompt)
        do {
            for try await tagged in session.outputs {
                let index = tally.index(of: tagged)
                let before = tally.choice(index)
                tally.add(tagged)
                guard let choice = format.choice(for: tagged.output, index: index, before: before) else { continue }
                try await send(envelope([choice], usage: continuousUsage ? tally.usage(media: media) : nil), to: &writer)
            }
            if includeUsage {
                try await send(envelope([], usage: tally.usage(media: media)), to: &writer)
            }
        } catch let failure as EngineStreamFailure {
            try await writer.write(ByteBuffer(string: "data: \(try jsonText(failure.error.body))\n\n"))
        }
        try await writer.write(ByteBuffer(string: "data: [DONE]\n\n"))
        try await writer.finish(nil)
    }

    private func send(_ chunk: ResponseEnvelope<Format.Choice>, to writer: inout any ResponseBodyWriter) async throws {
        try await writer.write(ByteBuffer(string: "data: \(try jsonText(chunk))\n\n"))
    }
}
