// One choice of one request as the scheduler and block manager see it (nano-vllm's Sequence, vLLM's
// Request): its tokens, how many are in the KV cache, its block table, and its sampling state.

import VLMModels

enum SequenceStatus {
    case waiting
    case running
    case finished
}

final class SequenceState {
    let requestId: String
    let choiceIndex: Int
    /// Admission order of the request; earlier runs first among equal priorities.
    let arrival: Int
    let priority: Int
    let sampling: SamplingParams
    let promptLength: Int
    let vision: [PlacedVisionItem]
    let positions: MRoPEPositions
    /// Prompt then generated tokens.
    private(set) var tokenIds: [Int]

    var status = SequenceStatus.waiting
    /// Tokens whose K/V are in the cache.
    var numComputedTokens = 0
    var blockTable: [Int] = []
    /// Leading blocks of `blockTable` already registered in the prefix cache.
    var numRegisteredBlocks = 0
    private(set) var blockKeys: [PrefixBlockKey] = []
    var numPreemptions = 0
    /// Prompt tokens served from the prefix cache the first time the sequence was scheduled.
    var cachedPromptTokens: Int?

    var generator: SeededGenerator
    var outputText: OutputText
    var finishReason: FinishReason?
    var stopReason: String?
    var stopTokenId: Int?
    /// Generated tokens and log-probabilities not yet reported.
    var pendingTokenIds: [Int] = []
    var pendingLogprobs: [TokenLogprob] = []

    init(requestId: String, choiceIndex: Int, arrival: Int, priority: Int, sampling: SamplingParams, promptTokenIds: [Int],
         vision: [PlacedVisionItem], positions: MRoPEPositions, seed: UInt64, detokenizer: (any IncrementalDetokenizer)?)
    {
        self.requestId = requestId
        self.choiceIndex = choiceIndex
        self.arrival = arrival
        self.priority = priority
        self.sampling = sampling
        self.promptLength = promptTokenIds.count
        self.vision = vision
        self.positions = positions
        self.tokenIds = promptTokenIds
        generator = SeededGenerator(seed: seed)
        outputText = OutputText(detokenizer: detokenizer, sampling: sampling)
    }

    var numTokens: Int { tokenIds.count }
    var outputCount: Int { tokenIds.count - promptLength }
    var outputTokenIds: ArraySlice<Int> { tokenIds[promptLength...] }
    var promptTokenIds: ArraySlice<Int> { tokenIds[..<promptLength] }
    var isFinished: Bool { status == .finished }

    func appendToken(_ tokenId: Int) {
        tokenIds.append(tokenId)
    }

    func refreshBlockKeys(blockSize: Int) {
        blockKeys.extend(toCover: tokenIds, blockSize: blockSize, vision: vision)
    }

    /// Position of the token at cache index `index` on each M-RoPE axis.
    func position(at index: Int) -> (t: Int32, h: Int32, w: Int32) {
        if index < promptLength { return positions.position(at: index) }
        let p = Int32(truncatingIfNeeded: index + positions.ropeDelta)
        return (p, p, p)
    }
}
