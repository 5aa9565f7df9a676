import Hummingbird
import VLMChat
import VLMEngine
import VLMJSON

/// `POST /v1/chat/completions`: messages with images and videos → one engine request with `n` choices,
/// answered as one JSON object or as server-sent events.
struct ChatCompletionsRoute {
    let state: ServingState

    func handle(_ request: Request) async throws -> Response {
        let (chat, model) = try await state.accept(ChatCompletionRequest.self, from: request)
        let prompt = try await chat.conversation.prompt(state)
        let sampling = chat.fields.samplingParams(
            defaults: state.settings.samplingDefaults, maxTokens: chat.maxCompletionTokens ?? chat.fields.maxTokens,
            logprobs: chat.requestedLogprobs)
        let id = "chatcmpl-\(chat.fields.requestId ?? randomHexId())"
        let engineRequest = EngineRequest(
            id: "\(id)-\(randomHexId())", promptTokenIds: prompt.tokenIds, visionItems: prompt.items, sampling: sampling,
            priority: chat.fields.priority ?? 0)
        state.logRequest(id, prompt: prompt, sampling: sampling)
        let session = try GenerationSession(engine: state.engine, requests: [engineRequest], metrics: state.metrics)

        // With add_generation_prompt the answer is the assistant's; otherwise it continues the last turn.
        let messages = chat.conversation.messages
        let role = chat.conversation.renderOptions.addGenerationPrompt ? "assistant" : (messages.last?.role.rawValue ?? "assistant")
        let echo = chat.fields.echo == true && messages.last?.role.rawValue == role ? (messages.last?.text ?? "") : ""
        let format = ChatStreamFormat(role: role, echo: echo, logprobs: chat.logprobs == true, formatter: LogprobsFormatter(frontend: state.frontend))
        let media = MediaTokenCounts(items: prompt.items)
        if chat.fields.stream == true {
            return EventStream(
                session: session, format: format, id: id, model: model, choiceCount: sampling.n, choicesPerPrompt: sampling.n,
                includeUsage: chat.fields.includeUsage, continuousUsage: chat.fields.continuousUsage, media: media
            ).response()
        }
        let tally = try await session.collect(choicesPerPrompt: sampling.n)
        let choices = tally.orderedChoices.map { index, choice in
            ChatChoice(
                index: index, message: .init(role: role, content: echo + choice.text),
                logprobs: format.logprobs ? format.formatter.chat(choice.logprobs) : nil,
                finishReason: (choice.finishReason ?? .abort).rawValue, stopReason: choice.stopReason)
        }
        return try jsonResponse(ResponseEnvelope(
            id: id, object: "chat.completion", created: unixTime(), model: model, choices: choices, usage: tally.usage(media: media)))
    }
}

/// Chat chunks: the role first, then content deltas, the finish reason on the choice's last chunk.
struct ChatStreamFormat: StreamFormat {
    let role: String
    /// The last message's text, sent first when `echo` is set.
    let echo: String
    let logprobs: Bool
    let formatter: LogprobsFormatter

    var object: String { "chat.completion.chunk" }

    func openingChoices(count: Int) -> [ChatChunkChoice] {
        (0..<count).flatMap { index in
            var opening = [ChatChunkChoice(index: index, delta: .init(role: role, content: ""))]
            if !echo.isEmpty { opening.append(ChatChunkChoice(index: index, delta: .init(content: echo))) }
            return opening
        }
    }

    func choice(for output: RequestOutput, index: Int, before: GenerationTally.Choice) -> ChatChunkChoice? {
        // Deltas with nothing in them (a prefill step) are not sent.
        if output.finishReason == nil && output.text.isEmpty && output.newTokenIds.isEmpty { return nil }
        return ChatChunkChoice(
            index: index, delta: .init(content: output.text),
            logprobs: logprobs ? formatter.chat(output.logprobs) : nil,
            finishReason: output.finishReason?.rawValue, stopReason: output.wireStopReason)
    }
}

extension ChatMessage {
    /// The text of a string content or of its text parts, joined (for `echo`).
    var text: String {
        switch content {
        case .text(let text): return text
        case .parts(let parts):
            return parts.compactMap { if case .text(let text) = $0 { return text } else { return nil } }.joined(separator: "\n")
        case .absent: return ""
        }
    }
}
