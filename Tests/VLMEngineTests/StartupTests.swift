import Testing
@testable import VLMEngine

/// The start-up memory plan and generation_config.json defaults.
@Suite struct StartupTests {
    static let gib = 1 << 30

    /// Qwen2-VL-7B's shape in bf16: 28 layers × 4 KV heads × 128 dims × 2 (K, V) × 2 bytes = 57,344 bytes
    /// per token, 917,504 per 16-token block.
    static func budget(totalGiB: Int = 80, utilization: Double = 0.9, maxModelLen: Int = 32768) -> MemoryPlanner.Budget {
        MemoryPlanner.Budget(deviceName: "GPU", totalBytes: totalGiB * gib, utilization: utilization,
                             weightBytes: 15 * gib + gib / 2, activationPeakBytes: 2 * gib,
                             kvBytesPerBlock: 917_504, blockSize: 16, maxModelLen: maxModelLen)
    }

    @Test func planSplitsTheBudgetAndReportsLikeVLLM() throws {
        let plan = try MemoryPlanner.plan(Self.budget())
        // 80 GiB × 0.9 = 72 GiB; minus 15.5 and 2 leaves 54.5 GiB = 58,518,929,408 bytes → 63,780 blocks.
        #expect(plan.numBlocks == 63_780)
        #expect(plan.report == [
            "the current instance can use total_gpu_memory (80.00GiB) x gpu_memory_utilization (0.90) = 72.00GiB",
            "model weights take 15.50GiB; activation peak takes 2.00GiB; the rest of the memory reserved for KV Cache is 54.50GiB.",
            "GPU KV cache size: 1,020,480 tokens (63,780 blocks of 16)",
            "Maximum concurrency for 32,768 tokens per request: 31.14x",
        ])
    }

    @Test func noRoomForTheKVCacheNamesTheFlags() {
        #expect(throws: MemoryPlanError(message: "No memory is left for the KV cache: the current instance can use total_gpu_memory (16.00GiB) x gpu_memory_utilization (0.90) = 14.40GiB, but the model weights take 15.50GiB and the activation peak of the profiling step takes 2.00GiB. Raise --gpu-memory-utilization, or lower --max-num-batched-tokens, --max-num-seqs or the largest image (max_pixels in --mm-processor-kwargs).")) {
            try MemoryPlanner.plan(Self.budget(totalGiB: 16))
        }
    }

    @Test func tooLittleKVForOneSequenceSuggestsAMaxModelLen() {
        // 20 GiB × 0.9 = 18 GiB leaves 0.5 GiB = 585 blocks = 9,360 tokens.
        #expect(throws: MemoryPlanError(message: "To serve at least one request with the model's max seq len (32768), 1.75GiB KV cache is needed, which is larger than the available KV cache memory (0.50GiB): the current instance can use total_gpu_memory (20.00GiB) x gpu_memory_utilization (0.90) = 18.00GiB, the model weights take 15.50GiB and the activation peak takes 2.00GiB. Based on the available memory, the estimated maximum model length is 9360. Raise --gpu-memory-utilization or lower --max-model-len.")) {
            try MemoryPlanner.plan(Self.budget(totalGiB: 20))
        }
    }

    @Test func profilingUsesTheWorstCaseTheFlagsAllow() throws {
        final class Model: ModelMemoryProfiling {
            var asked: (Int, Int, Int?) = (0, 0, nil)
            let weightBytes = 1000
            func kvCacheBytesPerBlock(blockSize: Int) -> Int { blockSize * 10 }
            func profileActivationPeak(numTokens: Int, numSequences: Int, largestVisionGrid: (t: Int, h: Int, w: Int)?) throws -> Int {
                asked = (numTokens, numSequences, largestVisionGrid.map { $0.t * $0.h * $0.w })
                return 500
            }
        }
        let model = Model()
        var config = EngineConfig(maxModelLen: 64, numKVBlocks: 1)
        config.maxNumBatchedTokens = 128
        config.maxNumSeqs = 8
        let plan = try MemoryPlanner.profileAndPlan(model: model, config: config, deviceName: "CPU", totalBytes: 10_000,
                                                    utilization: 0.5, largestVisionGrid: (1, 8, 8))
        #expect(model.asked.0 == 128 && model.asked.1 == 8 && model.asked.2 == 64)
        // 5000 usable − 1000 − 500 = 3500 bytes of 160-byte blocks.
        #expect(plan.numBlocks == 21)
        #expect(plan.report[2] == "CPU KV cache size: 336 tokens (21 blocks of 16)")
    }

    @Test func warnsWhenTheContextCannotHoldTheItemLimit() {
        let warning = MemoryPlanner.multimodalLengthWarning(maxModelLen: 32768, limits: [.image: 4, .video: 1],
                                                            maxTokensPerItem: [.image: 16384, .video: 24576])
        #expect(warning == "--max-model-len 32768 cannot hold the worst case that --limit-mm-per-prompt allows: 4 image(s) of up to 16384 tokens each and 1 video(s) of up to 24576 tokens each take 90112 tokens. Such prompts will be refused; raise --max-model-len, lower --limit-mm-per-prompt, or lower max_pixels in --mm-processor-kwargs.")
        #expect(MemoryPlanner.multimodalLengthWarning(maxModelLen: 32768, limits: [.image: 1, .video: 0],
                                                      maxTokensPerItem: [.image: 16384, .video: 24576]) == nil)
    }

    static let qwenGenerationConfig = """
        {"bos_token_id": 151643, "pad_token_id": 151643, "do_sample": true, "eos_token_id": [151645, 151643],
         "repetition_penalty": 1.05, "temperature": 0.1, "top_p": 0.001, "top_k": 1, "transformers_version": "4.37.0"}
        """

    @Test func generationConfigSetsDefaultsAndEOS() throws {
        let defaults = try GenerationDefaults.parse(Array(Self.qwenGenerationConfig.utf8), mode: .auto, tokenizerEOS: 151645)
        var expected = SamplingParams()
        expected.repetitionPenalty = 1.05
        expected.temperature = 0.1
        expected.topP = 0.001
        expected.topK = 1
        #expect(defaults.sampling == expected)
        #expect(defaults.eosTokenIds == [151645, 151643])
        #expect(defaults.logLines?[1] == "Using default sampling params from model: {'repetition_penalty': 1.05, 'temperature': 0.1, 'top_p': 0.001, 'top_k': 1}")
    }

    @Test func vllmModeKeepsVLLMDefaultsButReadsEOS() throws {
        let defaults = try GenerationDefaults.parse(Array(Self.qwenGenerationConfig.utf8), mode: .vllm, tokenizerEOS: 151643)
        #expect(defaults.sampling == SamplingParams())
        #expect(defaults.eosTokenIds == [151643, 151645])
        #expect(defaults.logLines == nil)
    }

    @Test func malformedGenerationConfigSaysWhichField() {
        #expect(throws: GenerationConfigError(message: "generation_config.json: top_k must be an integer, not string.")) {
            try GenerationDefaults.parse(Array(#"{"top_k": "1"}"#.utf8), mode: .auto, tokenizerEOS: nil)
        }
    }
}
