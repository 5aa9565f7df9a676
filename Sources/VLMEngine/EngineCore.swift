// The engine without threads: requests in, one step at a time (schedule → encode vision → run the model →
// sample → stop checks and text), outputs out. `LLMEngine` drives it from its own thread; `generate`
// drives it from the caller for offline batches and tests.

import Dispatch
import VLMModels

public final class EngineCore<Executor: ModelExecutor> {
    public let config: EngineConfig
    let executor: Executor
    let scheduler: Scheduler
    private let validator: RequestValidator
    private let stopChecker: StopChecker
    private let detokenizers: (any IncrementalDetokenizerFactory)?
    private var active: [String: [SequenceState]] = [:]
    private var nextArrival = 0
    /// Seeds the generators of requests that bring no seed.
    private var seedSource: SeededGenerator

    public init(config: EngineConfig, executor: Executor, detokenizers: (any IncrementalDetokenizerFactory)? = nil) throws {
        self.config = try config.checked()
        self.executor = executor
        self.detokenizers = detokenizers
        scheduler = Scheduler(config: config)
        validator = RequestValidator(config: config, vocabSize: executor.vocabSize)
        stopChecker = StopChecker(eosTokenIds: config.eosTokenIds, maxModelLen: config.maxModelLen)
        seedSource = SeededGenerator(seed: config.seed)
        try executor.allocateKVCache(numBlocks: config.numKVBlocks, blockSize: config.blockSize)
    }

    public var hasUnfinishedRequests: Bool { !active.isEmpty }

    public var stats: EngineStats {
        EngineStats(numRunning: scheduler.running.count, numWaiting: scheduler.waiting.count,
                    numFreeBlocks: scheduler.blockManager.numFreeBlocks, numBlocks: config.numKVBlocks,
                    numPreemptions: scheduler.numPreemptions, prefixCacheQueries: scheduler.prefixCacheQueries,
                    prefixCacheHits: scheduler.prefixCacheHits)
    }

    /// Throws `EngineValidationError` if the request cannot be served.
    public func validate(_ request: EngineRequest) throws {
        _ = try validator.validate(request)
    }

    /// Validates and queues a request (its M-RoPE positions are computed here, once).
    public func add(_ request: EngineRequest) throws {
        guard active[request.id] == nil else {
            throw EngineValidationError.invalidRequest(reason: "A request with id '\(request.id)' is already running.")
        }
        let placed = try validator.validate(request)
        let positions = try executor.mropePositions(promptTokenIds: request.promptTokenIds, items: request.visionItems)
        guard positions.count == request.promptTokenIds.count else {
            throw EngineInternalError(message: "M-RoPE positions cover \(positions.count) of \(request.promptTokenIds.count) prompt tokens")
        }
        let arrival = nextArrival
        nextArrival += 1
        let choices = (0..<request.sampling.n).map { index in
            // vLLM's parallel sampling: choice i of a seeded request uses seed + i.
            let seed = request.sampling.seed.map { $0 &+ UInt64(index) } ?? seedSource.next()
            return SequenceState(requestId: request.id, choiceIndex: index, arrival: arrival, priority: request.priority,
                                 sampling: request.sampling, promptTokenIds: request.promptTokenIds, vision: placed,
                                 positions: positions, seed: seed,
                                 detokenizer: detokenizers?.makeDetokenizer(skipSpecialTokens: request.sampling.skipSpecialTokens))
        }
        active[request.id] = choices
        for choice in choices { scheduler.add(choice) }
    }

    /// Stops a request and frees its blocks; returns the final `abort` output of each unfinished choice.
    public func abort(requestId: String) -> [RequestOutput] {
        guard let choices = active.removeValue(forKey: requestId) else { return [] }
        return choices.filter { !$0.isFinished }.map { choice in
            scheduler.remove(choice)
            choice.finishReason = .abort
            return takeOutput(of: choice)
        }
    }

    /// Runs one step; returns an output for every choice that generated a token in it.
    public func step() throws -> [RequestOutput] {
        let scheduled = scheduler.schedule()
        guard !scheduled.chunks.isEmpty else {
            // Preemption may leave one step empty; otherwise waiting work that cannot start would hang.
            if scheduled.preempted.isEmpty && scheduler.hasUnfinishedSequences {
                throw EngineInternalError(message: "no waiting request could be scheduled on an idle engine")
            }
            return []
        }
        try encodeVision(for: scheduled)
        let plan = try StepInputBuilder.build(scheduled, blockSize: config.blockSize, encoderCache: scheduler.encoderCache)
        let logits = try executor.execute(plan.step)
        let vocab = executor.vocabSize
        guard logits.count == plan.samplers.count * vocab else {
            throw EngineInternalError(message: "the model returned \(logits.count) logits for \(plan.samplers.count) rows of \(vocab)")
        }
        scheduler.completeStep(scheduled)
        var outputs: [RequestOutput] = []
        for (sequence, sampled) in zip(plan.samplers, sampleRows(logits, for: plan.samplers)) {
            append(sampled, to: sequence)
            outputs.append(takeOutput(of: sequence))
        }
        return outputs
    }

    /// Rows are independent (each sequence owns its generator), so they are sampled in parallel.
    private func sampleRows(_ logits: [Float], for sequences: [SequenceState]) -> [SampledToken] {
        let vocab = executor.vocabSize
        let inputs = sequences.map(samplingInput)
        var results = [SampledToken?](repeating: nil, count: sequences.count)
        results.withUnsafeMutableBufferPointer { slots in
            let out = slots
            DispatchQueue.concurrentPerform(iterations: sequences.count) { row in
                out[row] = Sampler.sample(logits[row * vocab ..< (row + 1) * vocab], inputs[row],
                                          generator: &sequences[row].generator)
            }
        }
        return results.compactMap { $0 }
    }

    private func encodeVision(for scheduled: SchedulerOutput) throws {
        let cache = scheduler.encoderCache
        for chunk in scheduled.chunks {
            for placed in chunk.visionItems where cache.embeddings(placed.item.contentHash) == nil {
                cache.store(try executor.encodeVision(placed.item), for: placed.item.contentHash)
            }
        }
    }

    private func samplingInput(_ sequence: SequenceState) -> SamplingInput {
        SamplingInput(params: sequence.sampling, promptTokenIds: sequence.promptTokenIds,
                      outputTokenIds: sequence.outputTokenIds, minTokensBlocked: stopChecker.minTokensBlocked(sequence.sampling))
    }

    private func append(_ sampled: SampledToken, to sequence: SequenceState) {
        sequence.appendToken(sampled.tokenId)
        sequence.pendingTokenIds.append(sampled.tokenId)
        if let logprob = sampled.logprob { sequence.pendingLogprobs.append(logprob) }
        let decision = stopChecker.check(lastToken: sampled.tokenId, outputCount: sequence.outputCount,
                                         totalTokens: sequence.numTokens, params: sequence.sampling)
        let stopString = sequence.outputText.append(sampled.tokenId, outputCount: sequence.outputCount,
                                                    isStopToken: decision?.reason == .stop)
        if let stopString {
            finish(sequence, reason: .stop, stopReason: stopString)
        } else if let decision {
            finish(sequence, reason: decision.reason, stopTokenId: decision.stopTokenId)
        }
    }

    private func finish(_ sequence: SequenceState, reason: FinishReason, stopReason: String? = nil, stopTokenId: Int? = nil) {
        scheduler.remove(sequence)
        sequence.finishReason = reason
        sequence.stopReason = stopReason
        sequence.stopTokenId = stopTokenId
        if let choices = active[sequence.requestId], choices.allSatisfy(\.isFinished) {
            active[sequence.requestId] = nil
        }
    }

    private func takeOutput(of sequence: SequenceState) -> RequestOutput {
        let output = RequestOutput(
            requestId: sequence.requestId, choiceIndex: sequence.choiceIndex, newTokenIds: sequence.pendingTokenIds,
            text: sequence.outputText.takeDelta(finished: sequence.finishReason != nil), logprobs: sequence.pendingLogprobs,
            finishReason: sequence.finishReason, stopReason: sequence.stopReason, promptTokens: sequence.promptLength,
            completionTokens: sequence.outputCount, cachedPromptTokens: sequence.cachedPromptTokens ?? 0,
            stopTokenId: sequence.stopTokenId)
        sequence.pendingTokenIds.removeAll()
        sequence.pendingLogprobs.removeAll()
        return output
    }
}

/// Counters and gauges for logs and metrics (vLLM's scheduler stats).
public struct EngineStats: Sendable, Equatable {
    public var numRunning: Int
    public var numWaiting: Int
    public var numFreeBlocks: Int
    public var numBlocks: Int
    public var numPreemptions: Int
    public var prefixCacheQueries: Int
    public var prefixCacheHits: Int

    /// Fraction of KV blocks in use (vLLM's kv_cache_usage_perc).
    public var kvCacheUsage: Double { Double(numBlocks - numFreeBlocks) / Double(numBlocks) }
}
