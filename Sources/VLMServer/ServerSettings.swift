import VLMEngine
import VLMJSON

/// Everything `vlm serve` decides at start-up that the HTTP side needs.
public struct ServerSettings: Sendable {
    public var host = "0.0.0.0"
    public var port = 8000
    /// `--api-key` (several allowed) and `VLM_API_KEY` / `VLLM_API_KEY`; empty: no key needed.
    public var apiKeys: [String] = []
    /// `--served-model-name`: every name is accepted in requests, the first is reported in answers.
    public var servedModelNames: [String]
    /// The checkpoint path, `root` in `/v1/models`.
    public var modelPath: String
    public var maxRequestBodyBytes = 64 << 20
    public var mediaLimits = PromptMediaLimits.vllmDefault
    /// `--mm-processor-kwargs`; a request's `mm_processor_kwargs` and a part's own keys override it.
    public var mmProcessorKwargs = JSONObject()
    public var mediaFetch = MediaFetchPolicy()
    public var cors = CORSSettings()
    /// What a request does not set: vLLM's defaults, or the checkpoint's generation_config.json.
    public var samplingDefaults = SamplingParams()
    /// `--max-logprobs`.
    public var maxLogprobs = 20
    /// Off with `--disable-log-requests`.
    public var logRequests = true
    /// After SIGTERM: in-flight requests may finish for this long, then they are aborted.
    public var shutdownTimeout: Duration = .seconds(30)
    public var version: String

    public init(servedModelNames: [String], modelPath: String, version: String) {
        self.servedModelNames = servedModelNames
        self.modelPath = modelPath
        self.version = version
    }

    /// The name answers carry.
    var reportedModelName: String { servedModelNames.first ?? modelPath }
}

/// `--allowed-origins`, `--allowed-methods`, `--allowed-headers`, `--allow-credentials` (vLLM's CORS
/// flags, `["*"]` by default).
public struct CORSSettings: Sendable, Equatable {
    public var allowedOrigins = ["*"]
    public var allowedMethods = ["*"]
    public var allowedHeaders = ["*"]
    public var allowCredentials = false

    public init() {}
}
