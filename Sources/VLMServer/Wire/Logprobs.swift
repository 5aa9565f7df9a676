import VLMEngine
import VLMJSON

/// Chat logprobs: `{"content":[{"token","logprob","bytes","top_logprobs":[...]}]}`.
struct ChatLogprobs: Encodable, Sendable {
    var content: [Entry]

    struct Entry: Encodable, Sendable {
        var token: String
        var logprob: Float
        var bytes: [Int]
        var topLogprobs: [Alternative]

        enum CodingKeys: String, CodingKey {
            case token, logprob, bytes
            case topLogprobs = "top_logprobs"
        }
    }

    struct Alternative: Encodable, Sendable {
        var token: String
        var logprob: Float
        var bytes: [Int]
    }
}

/// Text-completion logprobs: parallel lists, the alternatives as `{token: logprob}` objects.
struct CompletionLogprobs: Encodable, Sendable {
    var textOffset: [Int] = []
    var tokenLogprobs: [Float] = []
    var tokens: [String] = []
    var topLogprobs: [JSONValue] = []

    enum CodingKeys: String, CodingKey {
        case textOffset = "text_offset"
        case tokenLogprobs = "token_logprobs"
        case tokens
        case topLogprobs = "top_logprobs"
    }
}

/// Turns engine logprobs into the two wire shapes, naming each token by its own decoded text.
struct LogprobsFormatter {
    let frontend: any ModelFrontend

    /// JSON has no -inf; vLLM clamps the same way.
    private func clamp(_ value: Float) -> Float { max(value, -9999) }

    private func tokenText(_ id: Int) -> String {
        (try? frontend.decode([id], skipSpecialTokens: false)) ?? ""
    }

    func chat(_ logprobs: [TokenLogprob]) -> ChatLogprobs {
        ChatLogprobs(content: logprobs.map { entry in
            let token = tokenText(entry.tokenId)
            return ChatLogprobs.Entry(
                token: token, logprob: clamp(entry.logprob), bytes: token.utf8.map(Int.init),
                topLogprobs: entry.top.map { top in
                    let text = tokenText(top.tokenId)
                    return ChatLogprobs.Alternative(token: text, logprob: clamp(top.logprob), bytes: text.utf8.map(Int.init))
                })
        })
    }

    /// `offset` is where the first token's text starts in the choice's text (in characters, as Python
    /// counts them: Unicode scalars).
    func completion(_ logprobs: [TokenLogprob], startingAt offset: Int) -> CompletionLogprobs {
        var result = CompletionLogprobs()
        var position = offset
        for entry in logprobs {
            let token = tokenText(entry.tokenId)
            result.tokens.append(token)
            result.tokenLogprobs.append(clamp(entry.logprob))
            result.textOffset.append(position)
            position += token.unicodeScalars.count
            // The sampled token leads the alternatives, as in vLLM and OpenAI's legacy completions.
            var alternatives = JSONObject([(token, .double(Double(clamp(entry.logprob))))])
            for top in entry.top {
                let text = tokenText(top.tokenId)
                if alternatives[text] == nil { alternatives[text] = .double(Double(clamp(top.logprob))) }
            }
            result.topLogprobs.append(.object(alternatives))
        }
        return result
    }
}
