import Logging
import VLMCompute
import VLMEngine
import VLMMedia
import VLMServer
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The engine and model frontend `vlm serve` runs, loaded from a checkpoint folder the way `vllm serve`
/// starts: processor settings, then the engine (model, tokenizer, generation_config, memory plan logged),
/// then the chat template and processor around the engine's tokenizer.
struct ServingPipeline {
    let engine: any GenerationEngine
    let frontend: any ModelFrontend
    let shutdown: () -> Void

    static func load(checkpoint: String, engine options: EngineOptions, settings: inout ServerSettings, logger: Logger) throws -> ServingPipeline {
        // The processor settings size the engine's profiling step (the largest image it must take).
        let processor: (ProcessorConfig, fps: Double?)
        do {
            processor = try QwenVLFrontend.processorConfig(modelDirectory: checkpoint, options: settings.mmProcessorKwargs)
        } catch let error as APIError {
            throw ServeConfigurationError("--mm-processor-kwargs: \(error.message)")
        }
        var startup = EngineStartup.Options(modelDirectory: checkpoint, totalMemoryBytes: try deviceMemory(options))
        startup.gpuMemoryUtilization = options.gpuMemoryUtilization
        startup.maxModelLen = try options.maxModelLen.flatMap(ServeFlags.maxModelLen)
        startup.blockSize = options.blockSize
        startup.maxNumSeqs = options.maxNumSeqs
        if let tokens = options.maxNumBatchedTokens {
            startup.maxNumBatchedTokens = try ServeFlags.humanInt(tokens, flag: "--max-num-batched-tokens")
        }
        startup.enablePrefixCaching = options.enablePrefixCaching
        startup.limitMMPerPrompt = [.image: settings.mediaLimits.image, .video: settings.mediaLimits.video]
        startup.largestImageGrid = QwenVLFrontend.largestImageGrid(processor)
        startup.maxLogprobs = settings.maxLogprobs
        startup.seed = UInt64(bitPattern: Int64(options.seed))
        startup.generationConfig = options.generationConfig == "vllm" ? .vllm : .auto
        let started = try EngineStartup.start(startup, backend: CPUBackend(), log: { logger.info("\($0)") })
        settings.samplingDefaults = started.defaults.sampling
        let frontend = try QwenVLFrontend(
            modelDirectory: checkpoint, tokenizer: started.tokenizer, chatTemplate: options.chatTemplate, processorConfig: processor)
        let engine = started.engine
        return ServingPipeline(engine: engine, frontend: frontend, shutdown: { engine.shutdown() })
    }

    /// The memory the engine plans with. Only the CPU backend exists in this build: its budget is the
    /// machine's RAM (`--gpu-memory-utilization` applies to it).
    static func deviceMemory(_ options: EngineOptions) throws -> Int {
        guard options.device != "cuda" else {
            throw ServeConfigurationError("--device cuda: this build has no CUDA backend yet; use --device cpu (or auto).")
        }
        guard let meminfo = try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8),
              let line = meminfo.split(separator: "\n").first(where: { $0.hasPrefix("MemTotal:") }),
              let kib = line.split(separator: " ").dropFirst().first.flatMap({ Int($0) })
        else {
            throw ServeConfigurationError("Cannot read the machine's memory size from /proc/meminfo.")
        }
        return kib * 1024
    }
}
