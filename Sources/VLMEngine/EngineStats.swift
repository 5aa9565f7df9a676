/// Scheduler and cache figures an engine reports for the server's Prometheus metrics (read at each
/// scrape). Counts marked "since start" only grow.
public struct EngineStats: Sendable, Equatable {
    public var runningRequests = 0
    public var waitingRequests = 0
    /// Fraction of KV blocks in use, 0...1.
    public var kvCacheUsage = 0.0
    /// Since start.
    public var preemptions = 0
    /// Prompt tokens looked up in the prefix cache, and those found there; since start.
    public var prefixCacheQueries = 0
    public var prefixCacheHits = 0

    public init() {}
}

/// An engine that can report `EngineStats`; the server exports them when its engine conforms.
public protocol EngineStatsReporting: Sendable {
    var stats: EngineStats { get }
}
