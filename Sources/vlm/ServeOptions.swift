import ArgumentParser
import VLMServer
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// `vlm serve`'s HTTP-side flags (vLLM's names and defaults, plus our body-size and shutdown limits).
struct ServerOptions: ParsableArguments {
    @Option(help: "Host name or address to listen on.") var host = "0.0.0.0"
    @Option(help: "Port to listen on.") var port = 8000
    @Option(parsing: .upToNextOption, help: "Key(s) required as `Authorization: Bearer <key>` on /v1/* (also VLM_API_KEY / VLLM_API_KEY).")
    var apiKey: [String] = []
    @Option(parsing: .upToNextOption, help: "Name(s) the model answers to; the first is reported (default: the model path).")
    var servedModelName: [String] = []
    @Option(help: "Most images/videos per prompt: 'image=4,video=0' or '{\"image\":4,\"video\":0}' (default 999 each).")
    var limitMmPerPrompt: String?
    @Option(help: "Processor settings as JSON, e.g. '{\"min_pixels\":200704,\"max_pixels\":1003520,\"fps\":1}'.")
    var mmProcessorKwargs: String?
    @Option(help: "file:// media are read only below this folder (default: none allowed).")
    var allowedLocalMediaPath: String?
    @Option(parsing: .upToNextOption, help: "If given, http(s) media only from these hosts (every redirect too).")
    var allowedMediaDomains: [String] = []
    @Option(help: "CORS allowed origins, a JSON list.") var allowedOrigins = #"["*"]"#
    @Option(help: "CORS allowed methods, a JSON list.") var allowedMethods = #"["*"]"#
    @Option(help: "CORS allowed headers, a JSON list.") var allowedHeaders = #"["*"]"#
    @Flag(help: "CORS: allow credentials.") var allowCredentials = false
    @Option(help: "Most log probabilities a request may ask for.") var maxLogprobs = 20
    @Flag(help: "Do not log each request.") var disableLogRequests = false
    @Option(help: "Largest request body, e.g. 64M (= 64 MiB) or 100m (= 10^8 bytes).") var maxRequestBodySize = "64M"
    @Option(help: "Seconds in-flight requests may run after SIGTERM before they are aborted.") var shutdownTimeout = 30.0

    /// The server settings these flags (and the environment) give.
    func settings(modelPath: String, environment: [String: String]) throws -> ServerSettings {
        var settings = ServerSettings(
            servedModelNames: servedModelName.isEmpty ? [modelPath] : servedModelName, modelPath: modelPath, version: VLMVersion.string)
        settings.host = host
        settings.port = port
        settings.apiKeys = ServeFlags.apiKeys(flags: apiKey, environment: environment)
        if let limitMmPerPrompt { settings.mediaLimits = try ServeFlags.mediaLimits(limitMmPerPrompt) }
        if let mmProcessorKwargs { settings.mmProcessorKwargs = try ServeFlags.jsonObject(mmProcessorKwargs, flag: "--mm-processor-kwargs") }
        settings.mediaFetch.allowedLocalMediaPath = allowedLocalMediaPath
        settings.mediaFetch.allowedMediaDomains = allowedMediaDomains
        try settings.mediaFetch.apply(environment: environment)
        settings.cors.allowedOrigins = try ServeFlags.jsonStringList(allowedOrigins, flag: "--allowed-origins")
        settings.cors.allowedMethods = try ServeFlags.jsonStringList(allowedMethods, flag: "--allowed-methods").map { $0.uppercased() }
        settings.cors.allowedHeaders = try ServeFlags.jsonStringList(allowedHeaders, flag: "--allowed-headers")
        settings.cors.allowCredentials = allowCredentials
        settings.maxLogprobs = maxLogprobs
        settings.logRequests = !disableLogRequests
        settings.maxRequestBodyBytes = try ServeFlags.humanInt(maxRequestBodySize, flag: "--max-request-body-size")
        guard shutdownTimeout >= 0, shutdownTimeout.isFinite else {
            throw ServeConfigurationError("--shutdown-timeout must be a non-negative number of seconds, got \(shutdownTimeout).")
        }
        settings.shutdownTimeout = .milliseconds(Int64(shutdownTimeout * 1000))
        return settings
    }
}

/// `vlm serve`'s model and engine flags, vLLM's names and defaults.
struct EngineOptions: ParsableArguments {
    @Option(help: "auto (bf16 checkpoints stay bf16; fp32/fp16 run fp16), half, float16, bfloat16, float, float32.")
    var dtype = "auto"
    @Option(help: "Longest prompt + answer in tokens (8k = 8000, 8K = 8192); default: the checkpoint's.")
    var maxModelLen: String?
    @Option(help: "Fraction of the GPU's memory the engine may use (weights, activations, KV cache).")
    var gpuMemoryUtilization = 0.9
    @Option(name: [.customLong("tensor-parallel-size"), .customLong("tp", withSingleDash: true)], help: "GPUs per model replica (tensor parallel).")
    var tensorParallelSize = 1
    @Option(name: [.customLong("pipeline-parallel-size"), .customLong("pp", withSingleDash: true)], help: "Pipeline stages.")
    var pipelineParallelSize = 1
    @Option(help: "Tokens per KV cache block.") var blockSize = 16
    @Option(help: "GiB of CPU memory per GPU for preempted sequences (default 4).") var swapSpace: Double?
    @Option(help: "Most sequences in one batch.") var maxNumSeqs = 256
    @Option(help: "Most tokens computed in one step (default 2048; 8192 on GPUs of 70 GiB or more).")
    var maxNumBatchedTokens: String?
    @Flag(help: "Do not capture CUDA graphs.") var enforceEager = false
    @Flag(inversion: .prefixedNo, help: "Reuse the KV cache of shared prompt prefixes (system prompts, images).")
    var enablePrefixCaching = true
    @Flag(inversion: .prefixedNo, help: "Split long prompts over several steps.") var enableChunkedPrefill = true
    @Option(help: "A chat template file (or the template itself) instead of the checkpoint's.") var chatTemplate: String?
    @Option(help: "Seed of the sampling of requests that bring no seed.") var seed = 0
    @Option(help: "auto: sampling defaults from generation_config.json; vllm: vLLM's own.") var generationConfig = "auto"
    @Option(help: "auto, cuda or cpu.") var device = "auto"
    @Option(help: "Quantization method (default: the checkpoint's quantization_config).") var quantization: String?
    @Option(help: "KV cache data type: auto, or fp8.") var kvCacheDtype = "auto"
    @Flag(help: "Accepted for vLLM compatibility; Qwen2-VL needs no remote code.") var trustRemoteCode = false
    @Flag(help: "Do not log throughput statistics.") var disableLogStats = false

    func apply(to settings: inout ServerSettings) throws {
        guard ["auto", "vllm"].contains(generationConfig) else {
            throw ServeConfigurationError("--generation-config must be auto or vllm (a folder is not supported), got \(generationConfig).")
        }
        guard ["auto", "cuda", "cpu"].contains(device) else {
            throw ServeConfigurationError("--device must be auto, cuda or cpu, got \(device).")
        }
        guard (0.0...1.0).contains(gpuMemoryUtilization), gpuMemoryUtilization > 0 else {
            throw ServeConfigurationError("--gpu-memory-utilization must be in (0, 1], got \(gpuMemoryUtilization).")
        }
    }

    /// Flags given with values this build cannot act on, each with what happens instead.
    func unhonouredFlags() -> [String] {
        var lines: [String] = []
        if tensorParallelSize != 1 || pipelineParallelSize != 1 {
            lines.append("--tensor-parallel-size \(tensorParallelSize) / --pipeline-parallel-size \(pipelineParallelSize): parallelism across GPUs is not implemented; the model runs on one device.")
        }
        if dtype != "auto" { lines.append("--dtype \(dtype): the CPU backend computes in float32 (weights stay as stored, widened on use).") }
        if let quantization { lines.append("--quantization \(quantization): quantized checkpoints are not supported; refused if the checkpoint is quantized.") }
        if kvCacheDtype != "auto" { lines.append("--kv-cache-dtype \(kvCacheDtype): the KV cache keeps the model's dtype.") }
        if swapSpace != nil { lines.append("--swap-space: preempted sequences are recomputed, never swapped (as vLLM v1).") }
        if !enableChunkedPrefill { lines.append("--no-enable-chunked-prefill: prompts are always chunked (as vLLM v1).") }
        if trustRemoteCode { lines.append("--trust-remote-code: not needed; no remote code is ever run.") }
        if disableLogStats { lines.append("--disable-log-stats: no periodic statistics are logged; see /metrics.") }
        return lines
    }
}
