// From a checkpoint folder and the serve flags to a running engine, as `vllm serve` starts: load the
// model and tokenizer, read generation_config.json, profile and plan memory (logging vLLM's lines),
// warn when --max-model-len cannot hold the item limits, start the engine thread.

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import VLMCompute
import VLMModels
import VLMTokenizer

public enum EngineStartup {
    /// The flags that shape the engine (vLLM's names and defaults).
    public struct Options: Sendable {
        public var modelDirectory: String
        /// Memory the device has: the GPU's, or on the CPU backend the figure the operator grants.
        public var totalMemoryBytes: Int
        public var gpuMemoryUtilization = 0.9
        /// nil: the model's max_position_embeddings.
        public var maxModelLen: Int?
        public var blockSize = 16
        public var maxNumSeqs = 256
        public var maxNumBatchedTokens = 2048
        public var enablePrefixCaching = true
        public var schedulingPolicy = SchedulingPolicy.fcfs
        public var limitMMPerPrompt: [VisionItem.Kind: Int] = [:]
        /// Grid of the largest image the processor can produce (from max_pixels), profiled at start-up.
        public var largestImageGrid: (t: Int, h: Int, w: Int)?
        /// Placeholder tokens of the largest video the processor can produce, for the length warning.
        public var maxVideoTokens: Int?
        public var maxLogprobs = 20
        public var seed: UInt64 = 0
        public var generationConfig = GenerationConfigMode.auto

        public init(modelDirectory: String, totalMemoryBytes: Int) {
            self.modelDirectory = modelDirectory
            self.totalMemoryBytes = totalMemoryBytes
        }
    }

    public struct Started {
        public let engine: LLMEngine<LoadedModelExecutor>
        public let tokenizer: Tokenizer
        /// Request defaults from generation_config.json (the server starts each request from these).
        public let defaults: GenerationDefaults
        public let memoryPlan: MemoryPlan
    }

    /// Starts the engine; `log` receives the start-up lines (memory report, warnings, defaults).
    public static func start(_ options: Options, backend: Backend, log: (String) -> Void) throws -> Started {
        let executor = try LoadedModelExecutor(directory: options.modelDirectory, backend: backend)
        let tokenizer = try Tokenizer(directory: URL(fileURLWithPath: options.modelDirectory))
        let properties = executor.model.properties
        let defaults = try GenerationDefaults.load(directory: options.modelDirectory, mode: options.generationConfig,
                                                   tokenizerEOS: tokenizer.eosTokenId)
        var config = EngineConfig(properties: properties, maxModelLen: options.maxModelLen ?? properties.maxPositionEmbeddings,
                                  numKVBlocks: 0)
        if !defaults.eosTokenIds.isEmpty { config.eosTokenIds = defaults.eosTokenIds }
        config.blockSize = options.blockSize
        config.maxNumSeqs = options.maxNumSeqs
        config.maxNumBatchedTokens = options.maxNumBatchedTokens
        config.enablePrefixCaching = options.enablePrefixCaching
        config.schedulingPolicy = options.schedulingPolicy
        config.limitMMPerPrompt = options.limitMMPerPrompt
        config.maxLogprobs = options.maxLogprobs
        config.seed = options.seed
        if let grid = options.largestImageGrid {
            config.maxVisionItemTokens = max(grid.t * grid.h * grid.w / properties.patchesPerToken, options.maxVideoTokens ?? 0)
        }

        let plan = try MemoryPlanner.profileAndPlan(model: executor, config: config, deviceName: backend is CPUBackend ? "CPU" : "GPU",
                                                    totalBytes: options.totalMemoryBytes, utilization: options.gpuMemoryUtilization,
                                                    largestVisionGrid: options.largestImageGrid)
        plan.report.forEach(log)
        let imageTokens = options.largestImageGrid.map { $0.t * $0.h * $0.w / properties.patchesPerToken }
        let perItem = [VisionItem.Kind.image: imageTokens, .video: options.maxVideoTokens].compactMapValues { $0 }
        if let warning = MemoryPlanner.multimodalLengthWarning(maxModelLen: config.maxModelLen, limits: options.limitMMPerPrompt,
                                                               maxTokensPerItem: perItem)
        {
            log(warning)
        }
        defaults.logLines?.forEach(log)
        config.numKVBlocks = plan.numBlocks
        let core = try EngineCore(config: config, executor: executor, detokenizers: tokenizer)
        return Started(engine: try LLMEngine(core: core), tokenizer: tokenizer, defaults: defaults, memoryPlan: plan)
    }
}
