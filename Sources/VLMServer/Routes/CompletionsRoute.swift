import Hummingbird
import VLMEngine
import VLMJSON

/// `POST /v1/completions`: each prompt (text or token ids) becomes an engine request with `n` choices;
/// choice `i * n + j` is prompt `i`'s `j`-th.
struct CompletionsRoute {
    let state: ServingState

    func handle(_ request: Request) async throws -> Response {
        let (completion, model) = try await state.accept(CompletionRequest.self, from: request)
        let sampling = completion.fields.samplingParams(
            defaults: state.settings.samplingDefaults, maxTokens: completion.fields.maxTokens ?? 16, logprobs: completion.logprobs)
        let id = "cmpl-\(completion.fields.requestId ?? randomHexId())"
        var requests: [EngineRequest] = []
        var echoes: [String] = []
        for prompt in completion.prompts {
            let ids: [Int]
            switch prompt {
            case .text(let text):
                ids = try state.frontendStep { try state.frontend.encode(text, addSpecialTokens: completion.addSpecialTokens ?? true) }
            case .tokenIds(let given):
                ids = given
            }
            // Decoding also checks that given ids are in the vocabulary.
            let promptText = try state.frontendStep { try state.frontend.decode(ids, skipSpecialTokens: false) }
            echoes.append(completion.fields.echo == true ? promptText : "")
            let prepared = try state.textPrompt(ids)
            requests.append(EngineRequest(
                id: "\(id)-\(requests.count)-\(randomHexId())", promptTokenIds: prepared.tokenIds, sampling: sampling,
                priority: completion.fields.priority ?? 0))
            state.logRequest(id, prompt: prepared, sampling: sampling)
        }
        let session = try GenerationSession(engine: state.engine, requests: requests, metrics: state.metrics)
        let format = CompletionStreamFormat(
            echoes: echoes, choicesPerPrompt: sampling.n, logprobs: completion.logprobs != nil,
            formatter: LogprobsFormatter(frontend: state.frontend))
        let media = MediaTokenCounts(items: [])
        if completion.fields.stream == true {
            return EventStream(
                session: session, format: format, id: id, model: model, choiceCount: requests.count * sampling.n,
                choicesPerPrompt: sampling.n, includeUsage: completion.fields.includeUsage,
                continuousUsage: completion.fields.continuousUsage, media: media
            ).response()
        }
        let tally = try await session.collect(choicesPerPrompt: sampling.n)
        let choices = tally.orderedChoices.map { index, choice in
            let echo = format.echo(forChoice: index)
            return CompletionChoice(
                index: index, text: echo + choice.text,
                logprobs: format.logprobs ? format.formatter.completion(choice.logprobs, startingAt: echo.unicodeScalars.count) : nil,
                finishReason: (choice.finishReason ?? .abort).rawValue, stopReason: choice.stopReason)
        }
        return try jsonResponse(ResponseEnvelope(
            id: id, object: "text_completion", created: unixTime(), model: model, choices: choices, usage: tally.usage(media: media)))
    }
}

/// Text-completion chunks: text deltas, the prompt first when `echo` is set, no role chunk.
struct CompletionStreamFormat: StreamFormat {
    /// Per prompt: its text when echoed, else empty.
    let echoes: [String]
    let choicesPerPrompt: Int
    let logprobs: Bool
    let formatter: LogprobsFormatter

    var object: String { "text_completion" }

    func echo(forChoice index: Int) -> String {
        let prompt = index / max(1, choicesPerPrompt)
        return prompt < echoes.count ? echoes[prompt] : ""
    }

    func openingChoices(count: Int) -> [CompletionChoice] { [] }

    func choice(for output: RequestOutput, index: Int, before: GenerationTally.Choice) -> CompletionChoice? {
        let prefix = before.deltas == 0 ? echo(forChoice: index) : ""
        if output.finishReason == nil && output.text.isEmpty && output.newTokenIds.isEmpty && prefix.isEmpty { return nil }
        let offset = echo(forChoice: index).unicodeScalars.count + before.textScalars
        return CompletionChoice(
            index: index, text: prefix + output.text,
            logprobs: logprobs ? formatter.completion(output.logprobs, startingAt: offset) : nil,
            finishReason: output.finishReason?.rawValue, stopReason: output.wireStopReason)
    }
}
