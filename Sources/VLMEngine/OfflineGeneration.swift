// The offline batch API (vLLM's `LLM.generate`): queue all requests, step until every one is finished,
// return whole outputs in request order. Runs on the caller's thread.

/// One finished choice.
public struct GeneratedChoice: Sendable {
    public var tokenIds: [Int] = []
    public var text = ""
    public var logprobs: [TokenLogprob] = []
    public var finishReason: FinishReason?
    public var stopReason: String?
    public var stopTokenId: Int?
}

/// One finished request, its choices in index order.
public struct GeneratedRequest: Sendable {
    public var requestId: String
    public var promptTokens: Int
    public var cachedPromptTokens: Int
    public var choices: [GeneratedChoice]
}

extension EngineCore {
    /// Runs the requests to completion together (continuous batching) and returns their outputs.
    public func generate(_ requests: [EngineRequest]) throws -> [GeneratedRequest] {
        var results: [String: GeneratedRequest] = [:]
        for request in requests {
            try add(request)
            results[request.id] = GeneratedRequest(
                requestId: request.id, promptTokens: request.promptTokenIds.count, cachedPromptTokens: 0,
                choices: Array(repeating: GeneratedChoice(), count: request.sampling.n))
        }
        while hasUnfinishedRequests {
            for output in try step() {
                results[output.requestId]?.cachedPromptTokens = output.cachedPromptTokens
                results[output.requestId]?.choices[output.choiceIndex].absorb(output)
            }
        }
        return requests.compactMap { results[$0.id] }
    }
}

extension GeneratedChoice {
    mutating func absorb(_ output: RequestOutput) {
        tokenIds += output.newTokenIds
        text += output.text
        logprobs += output.logprobs
        finishReason = output.finishReason
        stopReason = output.stopReason
        stopTokenId = output.stopTokenId
    }
}
