// Decides what each step computes (vLLM v1's rule): there are no prefill and decode phases; every running
// sequence's computed-token count catches up with its token count under the step's token budget
// (--max-num-batched-tokens) and --max-num-seqs. Decodes go first, then prefill chunks of running
// sequences, then new or preempted sequences from the waiting queue. A chunk that reaches a vision item
// reserves its embeddings in the encoder cache, so the encoder runs in the same step before the chunk.
// When the pool is out of blocks the newest (or lowest-priority) sequence is preempted and recomputed later.

struct ScheduledChunk {
    let sequence: SequenceState
    let numNewTokens: Int
    /// Embedding rows this chunk asked the encoder for.
    let encoderRows: Int
}

struct SchedulerOutput {
    var chunks: [ScheduledChunk] = []
    var preempted: [SequenceState] = []

    var numBatchedTokens: Int { chunks.reduce(0) { $0 + $1.numNewTokens } }
}

final class Scheduler {
    let config: EngineConfig
    let blockManager: KVBlockManager
    let encoderCache: EncoderCache
    private(set) var waiting: [SequenceState] = []
    private(set) var running: [SequenceState] = []
    private(set) var numPreemptions = 0
    private(set) var prefixCacheQueries = 0
    private(set) var prefixCacheHits = 0

    init(config: EngineConfig) {
        self.config = config
        blockManager = KVBlockManager(numBlocks: config.numKVBlocks, blockSize: config.blockSize,
                                      enablePrefixCaching: config.enablePrefixCaching)
        encoderCache = EncoderCache(capacity: config.effectiveEncoderCacheTokens)
    }

    var hasUnfinishedSequences: Bool { !waiting.isEmpty || !running.isEmpty }

    func add(_ sequence: SequenceState) {
        sequence.status = .waiting
        let key = queueKey(sequence)
        let index = waiting.firstIndex { queueKey($0) > key } ?? waiting.endIndex
        waiting.insert(sequence, at: index)
    }

    func schedule() -> SchedulerOutput {
        var output = SchedulerOutput()
        var budget = config.maxNumBatchedTokens
        var encoderBudget = config.effectiveEncoderCacheTokens

        let decodesFirst = running.filter(isDecoding) + running.filter { !isDecoding($0) }
        for sequence in decodesFirst where sequence.status == .running {
            guard budget > 0 else { break }
            let plan = planEncoder(for: sequence, computed: sequence.numComputedTokens,
                                   numNewTokens: min(sequence.numTokens - sequence.numComputedTokens, budget),
                                   budget: encoderBudget)
            guard plan.numNewTokens > 0 else { continue }
            var allocated = false
            while !allocated {
                allocated = blockManager.allocateSlots(for: sequence, numNewTokens: plan.numNewTokens)
                if allocated { break }
                guard let victim = preemptionVictim() else { break }
                preempt(victim)
                output.preempted.append(victim)
                if let index = output.chunks.firstIndex(where: { $0.sequence === victim }) {
                    budget += output.chunks[index].numNewTokens
                    encoderBudget += output.chunks[index].encoderRows
                    output.chunks.remove(at: index)
                }
                if victim === sequence { break }
            }
            guard allocated else { break }
            commit(plan, for: sequence, into: &output, budget: &budget, encoderBudget: &encoderBudget)
        }

        // New work only when nothing had to be preempted (it would take back the blocks just freed).
        guard output.preempted.isEmpty else { return output }
        var index = 0
        while budget > 0, running.count < config.maxNumSeqs, index < waiting.count {
            let sequence = waiting[index]
            if waitsForSiblingPrefill(sequence) {
                index += 1
                continue
            }
            let hits = blockManager.cachedPrefix(of: sequence)
            let computed = hits.count * config.blockSize
            let plan = planEncoder(for: sequence, computed: computed,
                                   numNewTokens: min(sequence.numTokens - computed, budget), budget: encoderBudget)
            guard plan.numNewTokens > 0,
                  blockManager.allocateSlots(for: sequence, numNewTokens: plan.numNewTokens, cachedHits: hits)
            else { break }
            waiting.remove(at: index)
            running.append(sequence)
            sequence.status = .running
            sequence.numComputedTokens = computed
            if sequence.cachedPromptTokens == nil { sequence.cachedPromptTokens = computed }
            if config.enablePrefixCaching {
                prefixCacheQueries += sequence.numTokens
                prefixCacheHits += computed
            }
            commit(plan, for: sequence, into: &output, budget: &budget, encoderBudget: &encoderBudget)
        }
        return output
    }

    /// After the step ran: the chunks are in the KV cache.
    func completeStep(_ output: SchedulerOutput) {
        for chunk in output.chunks where chunk.sequence.status == .running {
            let sequence = chunk.sequence
            sequence.numComputedTokens += chunk.numNewTokens
            blockManager.cacheComputedBlocks(of: sequence)
            for placed in sequence.vision where placed.end <= sequence.numComputedTokens {
                encoderCache.release(placed.item.contentHash, by: sequence)
            }
        }
    }

    /// Removes a finished or aborted sequence and frees everything it holds.
    func remove(_ sequence: SequenceState) {
        running.removeAll { $0 === sequence }
        waiting.removeAll { $0 === sequence }
        blockManager.free(sequence)
        encoderCache.releaseAll(of: sequence)
        sequence.status = .finished
    }

    // MARK: - Helpers

    private struct EncoderPlan {
        var numNewTokens: Int
        var items: [PlacedVisionItem] = []
        var newRows = 0
    }

    /// The vision items the chunk `[computed, computed + numNewTokens)` overlaps; a new item must fit in
    /// the encoder budget and cache, else the chunk stops just before it (vLLM's _try_schedule_encoder_inputs).
    private func planEncoder(for sequence: SequenceState, computed: Int, numNewTokens: Int, budget: Int) -> EncoderPlan {
        var plan = EncoderPlan(numNewTokens: numNewTokens)
        var planned = Set<String>()
        for placed in sequence.vision {
            if placed.offset >= computed + plan.numNewTokens { break }
            if placed.end <= computed { continue }
            let hash = placed.item.contentHash
            if !encoderCache.contains(hash) && !planned.contains(hash) {
                let rows = placed.item.tokenCount
                guard plan.newRows + rows <= budget,
                      encoderCache.canReserve(rows: rows, pendingRows: plan.newRows)
                else {
                    plan.numNewTokens = max(0, placed.offset - computed)
                    break
                }
                plan.newRows += rows
            }
            planned.insert(hash)
            plan.items.append(placed)
        }
        return plan
    }

    private func commit(_ plan: EncoderPlan, for sequence: SequenceState, into output: inout SchedulerOutput,
                        budget: inout Int, encoderBudget: inout Int)
    {
        for placed in plan.items {
            encoderCache.reserve(placed.item.contentHash, rows: placed.item.tokenCount, for: sequence)
        }
        output.chunks.append(ScheduledChunk(sequence: sequence, numNewTokens: plan.numNewTokens, encoderRows: plan.newRows))
        budget -= plan.numNewTokens
        encoderBudget -= plan.newRows
    }

    /// Choices of one request share their prompt: while one computes it, the others wait, then find it
    /// in the prefix cache.
    private func waitsForSiblingPrefill(_ sequence: SequenceState) -> Bool {
        config.enablePrefixCaching && sequence.cachedPromptTokens == nil && running.contains {
            $0.requestId == sequence.requestId && $0.numComputedTokens < $0.promptLength
        }
    }

    private func isDecoding(_ sequence: SequenceState) -> Bool {
        sequence.numComputedTokens > 0 && sequence.numTokens - sequence.numComputedTokens == 1
    }

    private func preemptionVictim() -> SequenceState? {
        switch config.schedulingPolicy {
        case .fcfs: return running.last
        case .priority: return running.max { queueKey($0) < queueKey($1) }
        }
    }

    /// Frees the sequence's blocks and sends it back to wait; it recomputes its tokens when resumed.
    private func preempt(_ sequence: SequenceState) {
        running.removeAll { $0 === sequence }
        blockManager.free(sequence)
        encoderCache.releaseAll(of: sequence)
        sequence.numComputedTokens = 0
        sequence.numPreemptions += 1
        numPreemptions += 1
        add(sequence)
    }

    private func queueKey(_ sequence: SequenceState) -> QueueKey {
        QueueKey(priority: config.schedulingPolicy == .priority ? sequence.priority : 0,
                 arrival: sequence.arrival, choice: sequence.choiceIndex)
    }
}

private struct QueueKey: Comparable {
    var priority: Int
    var arrival: Int
    var choice: Int

    static func < (a: QueueKey, b: QueueKey) -> Bool {
        (a.priority, a.arrival, a.choice) < (b.priority, b.arrival, b.choice)
    }
}
