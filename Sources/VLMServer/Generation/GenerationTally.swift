import VLMEngine
import VLMJSON

/// What the choices of one HTTP request have produced so far, gathered from engine deltas: the full
/// answer for non-streamed responses, and usage for both kinds.
struct GenerationTally {
    struct Choice {
        var text = ""
        var logprobs: [TokenLogprob] = []
        var finishReason: FinishReason?
        var stopReason: JSONValue?
        var completionTokens = 0
        /// Deltas seen so far (0 before the first).
        var deltas = 0
        /// Length of `text` as Python counts it (Unicode scalars), for logprob text offsets.
        var textScalars = 0
    }

    let choicesPerPrompt: Int
    private(set) var choices: [Int: Choice] = [:]
    private var promptTokens: [Int: Int] = [:]
    private var cachedTokens: [Int: Int] = [:]

    init(choicesPerPrompt: Int) {
        self.choicesPerPrompt = max(1, choicesPerPrompt)
    }

    /// The response's choice index: prompts in order, `n` choices each.
    func index(of tagged: GenerationSession.Tagged) -> Int {
        tagged.prompt * choicesPerPrompt + tagged.output.choiceIndex
    }

    func choice(_ index: Int) -> Choice { choices[index] ?? Choice() }

    mutating func add(_ tagged: GenerationSession.Tagged) {
        let output = tagged.output
        var choice = choices[index(of: tagged)] ?? Choice()
        choice.text += output.text
        choice.textScalars += output.text.unicodeScalars.count
        choice.logprobs += output.logprobs
        choice.completionTokens = max(choice.completionTokens, output.completionTokens)
        choice.deltas += 1
        if let reason = output.finishReason {
            choice.finishReason = reason
            choice.stopReason = output.wireStopReason
        }
        choices[index(of: tagged)] = choice
        promptTokens[tagged.prompt] = output.promptTokens
        cachedTokens[tagged.prompt] = output.cachedPromptTokens
    }

    /// Choices in index order.
    var orderedChoices: [(index: Int, choice: Choice)] {
        choices.keys.sorted().map { ($0, choices[$0] ?? Choice()) }
    }

    /// Image and video tokens are part of `prompt_tokens`; `media` says how many of them there are.
    func usage(media: MediaTokenCounts) -> Usage {
        Usage(prompt: promptTokens.values.reduce(0, +), completion: choices.values.reduce(0) { $0 + $1.completionTokens },
              cached: cachedTokens.values.reduce(0, +), imageTokens: media.image, videoTokens: media.video)
    }
}

/// Prompt tokens taken by images and by videos.
struct MediaTokenCounts: Sendable, Equatable {
    var image = 0
    var video = 0

    init(items: [VisionItem]) {
        for item in items {
            if item.kind == .image { image += item.tokenCount } else { video += item.tokenCount }
        }
    }
}
