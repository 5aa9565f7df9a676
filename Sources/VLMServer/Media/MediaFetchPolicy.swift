import VLMEngine

/// Where media may come from and how long and how large a fetch may be.
public struct MediaFetchPolicy: Sendable {
    /// Whole-fetch time limits (connect, redirects, body), vLLM's defaults: 5 s images, 30 s videos.
    public var imageTimeout: Duration = .seconds(5)
    public var videoTimeout: Duration = .seconds(30)
    public var maxRedirects = 5
    /// Largest encoded file accepted from any source.
    public var imageMaxBytes = 64 << 20
    public var videoMaxBytes = 1 << 30
    /// `--allowed-local-media-path`: `file://` URLs only below this folder; nil refuses them all.
    public var allowedLocalMediaPath: String?
    /// `--allowed-media-domains`: if not empty, http(s) media only from these hosts (every redirect too).
    public var allowedMediaDomains: [String] = []

    public init() {}

    func timeout(for kind: VisionItem.Kind) -> Duration { kind == .image ? imageTimeout : videoTimeout }
    func maxBytes(for kind: VisionItem.Kind) -> Int { kind == .image ? imageMaxBytes : videoMaxBytes }

    static func timeoutVariable(for kind: VisionItem.Kind) -> String {
        kind == .image ? "VLM_IMAGE_FETCH_TIMEOUT" : "VLM_VIDEO_FETCH_TIMEOUT"
    }

    /// Reads `VLM_IMAGE_FETCH_TIMEOUT` / `VLM_VIDEO_FETCH_TIMEOUT` (seconds; vLLM's `VLLM_` names too)
    /// and `VLM_MEDIA_MAX_REDIRECTS`. A value that is not a positive number is an error.
    public mutating func apply(environment: [String: String]) throws {
        func seconds(_ names: [String]) throws -> Duration? {
            guard let name = names.first(where: { environment[$0] != nil }), let text = environment[name] else { return nil }
            guard let value = Double(text), value > 0, value.isFinite else {
                throw ServeConfigurationError("\(name)=\(text) is not a positive number of seconds.")
            }
            return .milliseconds(Int64(value * 1000))
        }
        if let value = try seconds(["VLM_IMAGE_FETCH_TIMEOUT", "VLLM_IMAGE_FETCH_TIMEOUT"]) { imageTimeout = value }
        if let value = try seconds(["VLM_VIDEO_FETCH_TIMEOUT", "VLLM_VIDEO_FETCH_TIMEOUT"]) { videoTimeout = value }
        if let text = environment["VLM_MEDIA_MAX_REDIRECTS"] {
            guard let value = Int(text), value >= 0 else {
                throw ServeConfigurationError("VLM_MEDIA_MAX_REDIRECTS=\(text) is not a non-negative integer.")
            }
            maxRedirects = value
        }
    }
}

/// A start-up setting that cannot be used; the message says which and why.
public struct ServeConfigurationError: Error, CustomStringConvertible, Equatable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
