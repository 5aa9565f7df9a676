import NIOConcurrencyHelpers
import Prometheus
import VLMEngine

/// The Prometheus metrics of `/metrics`, named as vLLM's with `vlm:` for `vllm:`, label `model_name`.
/// Request-level figures are measured here as outputs stream by; scheduler figures (running, waiting,
/// KV usage, preemptions, prefix cache) come from the engine at each scrape.
public final class ServerMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    let modelName: String
    let promptTokens: Counter
    let generationTokens: Counter
    let timeToFirstToken: DurationHistogram
    let timePerOutputToken: DurationHistogram
    let endToEndLatency: DurationHistogram
    let requestPromptTokens: ValueHistogram
    let requestGenerationTokens: ValueHistogram
    let running: Gauge
    let waiting: Gauge
    let kvCacheUsage: Gauge
    let preemptions: Counter
    let prefixCacheQueries: Counter
    let prefixCacheHits: Counter
    /// Engine totals at the last scrape, to turn them into counter increments.
    private let lastEngineTotals = NIOLockedValueBox(EngineMetricsSnapshot())
    /// Requests inside the server, for the running gauge when the engine does not report.
    private let inFlight = NIOLockedValueBox(0)

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry(), modelName: String) {
        self.registry = registry
        self.modelName = modelName
        let labels = [("model_name", modelName)]
        func name(_ base: String, _ unit: String = "", _ help: String) -> MetricNameDescriptor {
            MetricNameDescriptor(metricName: "vlm:" + base, unitName: unit, helpText: help)
        }
        let latencyBuckets: [Duration] = [0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0,
                                          7.5, 10.0, 20.0, 40.0, 80.0, 160.0, 640.0, 2560.0].map { .milliseconds(Int64($0 * 1000)) }
        let tokenBuckets: [Double] = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000, 100000]
        promptTokens = registry.makeCounter(descriptor: name("prompt_tokens", "total", "Number of prefill tokens processed."), labels: labels)
        generationTokens = registry.makeCounter(descriptor: name("generation_tokens", "total", "Number of generation tokens processed."), labels: labels)
        timeToFirstToken = registry.makeDurationHistogram(
            descriptor: name("time_to_first_token", "seconds", "Histogram of time to first token in seconds."), labels: labels, buckets: latencyBuckets)
        timePerOutputToken = registry.makeDurationHistogram(
            descriptor: name("time_per_output_token", "seconds", "Histogram of time per output token in seconds."), labels: labels, buckets: latencyBuckets)
        endToEndLatency = registry.makeDurationHistogram(
            descriptor: name("e2e_request_latency", "seconds", "Histogram of e2e request latency in seconds."), labels: labels, buckets: latencyBuckets)
        requestPromptTokens = registry.makeValueHistogram(
            descriptor: name("request_prompt_tokens", "", "Number of prefill tokens processed."), labels: labels, buckets: tokenBuckets)
        requestGenerationTokens = registry.makeValueHistogram(
            descriptor: name("request_generation_tokens", "", "Number of generation tokens processed."), labels: labels, buckets: tokenBuckets)
        running = registry.makeGauge(descriptor: name("num_requests_running", "", "Number of requests in model execution batches."), labels: labels)
        waiting = registry.makeGauge(descriptor: name("num_requests_waiting", "", "Number of requests waiting to be processed."), labels: labels)
        kvCacheUsage = registry.makeGauge(descriptor: name("kv_cache_usage_perc", "", "KV-cache usage. 1 means 100 percent usage."), labels: labels)
        preemptions = registry.makeCounter(descriptor: name("num_preemptions", "total", "Cumulative number of preemptions from the engine."), labels: labels)
        prefixCacheQueries = registry.makeCounter(
            descriptor: name("prefix_cache_queries", "total", "Prefix cache queries, in terms of number of queried tokens."), labels: labels)
        prefixCacheHits = registry.makeCounter(
            descriptor: name("prefix_cache_hits", "total", "Prefix cache hits, in terms of number of cached tokens."), labels: labels)
        for reason in FinishReason.allReported { _ = success(reason) }
    }

    private func success(_ reason: FinishReason) -> Counter {
        registry.makeCounter(
            descriptor: MetricNameDescriptor(metricName: "vlm:request_success", unitName: "total", helpText: "Count of successfully processed requests."),
            labels: [("model_name", modelName), ("finished_reason", reason.rawValue)])
    }

    func requestStarted() { inFlight.withLockedValue { $0 += 1 } }
    func requestEnded() { inFlight.withLockedValue { $0 -= 1 } }

    /// One engine request's figures, recorded when it finishes.
    func record(_ summary: RequestTimings) {
        promptTokens.increment(by: Int64(summary.promptTokens))
        requestPromptTokens.record(Double(summary.promptTokens))
        requestGenerationTokens.record(Double(summary.generatedTokens))
        endToEndLatency.record(summary.endToEnd)
        if let firstToken = summary.firstToken { timeToFirstToken.record(firstToken) }
        if let reason = summary.finishReason { success(reason).increment() }
    }

    func recordGenerated(tokens: Int, interval: Duration?) {
        generationTokens.increment(by: Int64(tokens))
        if let interval { timePerOutputToken.record(interval) }
    }

    /// Prometheus text, with the engine's figures read now.
    public func exposition(engine: any GenerationEngine) -> [UInt8] {
        if let stats = (engine as? EngineMetricsReporting)?.metricsSnapshot {
            running.set(to: Double(stats.runningRequests))
            waiting.set(to: Double(stats.waitingRequests))
            kvCacheUsage.set(to: stats.kvCacheUsage)
            lastEngineTotals.withLockedValue { last in
                preemptions.increment(by: Int64(max(0, stats.preemptions - last.preemptions)))
                prefixCacheQueries.increment(by: Int64(max(0, stats.prefixCacheQueries - last.prefixCacheQueries)))
                prefixCacheHits.increment(by: Int64(max(0, stats.prefixCacheHits - last.prefixCacheHits)))
                last = stats
            }
        } else {
            running.set(to: Double(inFlight.withLockedValue { $0 }))
        }
        return registry.emitToBuffer()
    }
}

extension FinishReason {
    /// The reasons `request_success` is labelled with (vLLM's: stop, length, abort).
    static let allReported: [FinishReason] = [.stop, .length, .abort]
}

/// The engine's scheduler figures at one moment; totals count since start.
public struct EngineMetricsSnapshot: Sendable, Equatable {
    public var runningRequests = 0
    public var waitingRequests = 0
    /// Fraction of KV blocks in use, 0...1.
    public var kvCacheUsage = 0.0
    public var preemptions = 0
    /// Prompt tokens looked up in the prefix cache, and those found there.
    public var prefixCacheQueries = 0
    public var prefixCacheHits = 0

    public init() {}
}

/// An engine whose scheduler figures the server exports; without it only request figures are.
public protocol EngineMetricsReporting {
    var metricsSnapshot: EngineMetricsSnapshot? { get }
}

extension LLMEngine: EngineMetricsReporting {
    public var metricsSnapshot: EngineMetricsSnapshot? {
        stats.map { stats in
            var snapshot = EngineMetricsSnapshot()
            snapshot.runningRequests = stats.numRunning
            snapshot.waitingRequests = stats.numWaiting
            snapshot.kvCacheUsage = stats.kvCacheUsage
            snapshot.preemptions = stats.numPreemptions
            snapshot.prefixCacheQueries = stats.prefixCacheQueries
            snapshot.prefixCacheHits = stats.prefixCacheHits
            return snapshot
        }
    }
}
