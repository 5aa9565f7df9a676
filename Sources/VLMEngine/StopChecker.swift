// Token-level stopping after each generated token (vLLM's check_stop): EOS and stop token ids count only
// once min_tokens are out; length is max_tokens or max_model_len. Stop strings are checked on the text
// (OutputText).

struct StopDecision: Equatable {
    var reason: FinishReason
    /// Set when a stop token id other than the tokenizer's EOS ended the sequence.
    var stopTokenId: Int?
}

struct StopChecker {
    /// The tokenizer's EOS first, then the other EOS ids of generation_config.json.
    let eosTokenIds: [Int]
    let maxModelLen: Int

    /// Token ids min_tokens keeps from being sampled: all EOS ids and the request's stop token ids
    /// (vLLM's all_stop_token_ids, which keeps EOS even with ignore_eos).
    func minTokensBlocked(_ params: SamplingParams) -> [Int] {
        eosTokenIds + params.stopTokenIds
    }

    func check(lastToken token: Int, outputCount: Int, totalTokens: Int, params: SamplingParams) -> StopDecision? {
        if outputCount >= params.minTokens {
            if !params.ignoreEOS, token == eosTokenIds.first { return StopDecision(reason: .stop) }
            let otherEOS = params.ignoreEOS ? [] : eosTokenIds.dropFirst()
            if params.stopTokenIds.contains(token) || otherEOS.contains(token) {
                return StopDecision(reason: .stop, stopTokenId: token)
            }
        }
        if totalTokens >= maxModelLen || outputCount >= (params.maxTokens ?? Int.max) {
            return StopDecision(reason: .length)
        }
        return nil
    }
}
