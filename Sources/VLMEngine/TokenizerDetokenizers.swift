// VLMTokenizer's streaming decoder is the engine's incremental detokenizer. Like vLLM, the engine never
// calls `finish()`: a character still incomplete when a choice ends is not emitted.

import VLMTokenizer

extension Tokenizer: IncrementalDetokenizerFactory {
    public func makeDetokenizer(skipSpecialTokens: Bool) -> any IncrementalDetokenizer {
        makeIncrementalDecoder(skipSpecialTokens: skipSpecialTokens)
    }
}

extension IncrementalDecoder: IncrementalDetokenizer {}
