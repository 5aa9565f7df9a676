// The engine's settings, named after the vLLM flags they come from.

public enum SchedulingPolicy: String, Sendable {
    /// First come, first served; a request's `priority` must be 0.
    case fcfs
    /// Lower `priority` first, ties first come, first served; preemption picks the lowest priority.
    case priority
}

public struct EngineConfig: Sendable {
    /// `--max-model-len`: prompt plus generated tokens of one sequence.
    public var maxModelLen: Int
    /// `--block-size`: tokens per KV block.
    public var blockSize: Int = 16
    /// KV blocks in the pool (the memory planner's result).
    public var numKVBlocks: Int
    /// `--max-num-seqs`: sequences running at once.
    public var maxNumSeqs: Int = 256
    /// `--max-num-batched-tokens`: tokens computed in one step.
    public var maxNumBatchedTokens: Int = 2048
    /// `--enable-prefix-caching` / `--no-enable-prefix-caching`.
    public var enablePrefixCaching = true
    public var schedulingPolicy: SchedulingPolicy = .fcfs
    /// `--limit-mm-per-prompt`; a kind not listed is unlimited.
    public var limitMMPerPrompt: [VisionItem.Kind: Int] = [:]
    /// Placeholder tokens of the largest item the processor can produce (max_pixels / 28²).
    public var maxVisionItemTokens = 16384
    /// Vision embedding rows the encoder cache may hold; raised to `maxVisionItemTokens` if smaller.
    public var encoderCacheTokens: Int?
    /// `--max-logprobs`.
    public var maxLogprobs = 20
    /// End-of-sequence ids: the tokenizer's EOS first, then the other ids of `generation_config.json`.
    public var eosTokenIds: [Int] = []
    public var imageTokenId = 151655
    public var videoTokenId = 151656
    /// `--seed`: seeds the per-request generators of requests that bring no seed.
    public var seed: UInt64 = 0

    public init(maxModelLen: Int, numKVBlocks: Int) {
        self.maxModelLen = maxModelLen
        self.numKVBlocks = numKVBlocks
    }

    /// Embedding rows the encoder may compute in one step, and the encoder cache size (as vLLM: at least
    /// one step's token budget and at least the largest item).
    var effectiveEncoderCacheTokens: Int {
        max(encoderCacheTokens ?? maxNumBatchedTokens, maxVisionItemTokens)
    }

    func checked() throws -> EngineConfig {
        func require(_ ok: Bool, _ message: String) throws {
            if !ok { throw EngineConfigError(message: message) }
        }
        try require(maxModelLen > 0, "--max-model-len must be positive, got \(maxModelLen).")
        try require(blockSize > 0, "--block-size must be positive, got \(blockSize).")
        try require(maxNumSeqs > 0, "--max-num-seqs must be positive, got \(maxNumSeqs).")
        try require(maxNumBatchedTokens > 0, "--max-num-batched-tokens must be positive, got \(maxNumBatchedTokens).")
        try require(maxLogprobs >= 0, "--max-logprobs must be non-negative, got \(maxLogprobs).")
        let blocksForOne = (maxModelLen + blockSize - 1) / blockSize
        try require(
            numKVBlocks >= blocksForOne,
            "The KV cache has \(numKVBlocks) blocks of \(blockSize) tokens, but one sequence of --max-model-len \(maxModelLen) needs \(blocksForOne). Lower --max-model-len or give the KV cache more memory (--gpu-memory-utilization).")
        return self
    }
}

/// Settings the engine cannot run with; the message names the flag to change.
public struct EngineConfigError: Error, CustomStringConvertible, Equatable {
    public var message: String
    public var description: String { message }
}
