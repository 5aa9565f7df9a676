import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import VLMEngine
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Gets the bytes behind a media URL: `data:` (base64), `file://` (below the allowed folder) or
/// http(s) (AsyncHTTPClient; time limit over the whole fetch, redirects followed by hand so each hop is
/// checked against `--allowed-media-domains`, a byte cap read from the stream). Every refusal is an
/// `APIError` 400 that says what to change.
public final class MediaFetcher: Sendable {
    let policy: MediaFetchPolicy
    let local: LocalMediaAccess
    let client: HTTPClient

    public init(policy: MediaFetchPolicy) throws {
        self.policy = policy
        local = try LocalMediaAccess(allowedPath: policy.allowedLocalMediaPath)
        var configuration = HTTPClient.Configuration(redirectConfiguration: .disallow)
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.timeout.connect = .seconds(Int64(max(1, policy.videoTimeout.components.seconds)))
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    public func shutdown() async throws {
        try await client.shutdown()
    }

    func fetch(_ url: String, kind: VisionItem.Kind) async throws -> [UInt8] {
        let maxBytes = policy.maxBytes(for: kind)
        if DataURL.isDataURL(url) {
            return try DataURL.decode(url, maxBytes: maxBytes)
        }
        guard let parsed = URL(string: url), let scheme = parsed.scheme?.lowercased() else {
            throw APIError.badRequest("The URL must be either a HTTP, data or file URL.")
        }
        switch scheme {
        case "file":
            return try local.read(parsed, maxBytes: maxBytes)
        case "http", "https":
            let timeout = policy.timeout(for: kind)
            return try await withTimeLimit(timeout, timeoutError: APIError.badRequest(
                "Timed out after \(timeout.seconds) s fetching \(kind.rawValue) URL \(Self.shortened(url)); the limit is set by \(MediaFetchPolicy.timeoutVariable(for: kind)) (seconds)."
            )) {
                try await self.fetchHTTP(parsed, kind: kind, maxBytes: maxBytes)
            }
        default:
            throw APIError.badRequest("The URL must be either a HTTP, data or file URL.")
        }
    }

    private func checkDomain(_ url: URL) throws {
        guard !policy.allowedMediaDomains.isEmpty else { return }
        let host = url.host() ?? ""
        guard policy.allowedMediaDomains.contains(host) else {
            throw APIError.badRequest(
                "The URL must be from one of the allowed domains: \(policy.allowedMediaDomains). Input URL domain: \(host)")
        }
    }

    private func fetchHTTP(_ start: URL, kind: VisionItem.Kind, maxBytes: Int) async throws -> [UInt8] {
        var url = start
        var redirects = 0
        while true {
            try checkDomain(url)
            let response: HTTPClientResponse
            do {
                response = try await client.execute(HTTPClientRequest(url: url.absoluteString), timeout: .hours(1))
            } catch {
                throw APIError.badRequest("Failed to fetch media from URL \(Self.shortened(url.absoluteString)): \(error)")
            }
            let code = Int(response.status.code)
            if [301, 302, 303, 307, 308].contains(code) {
                guard let location = response.headers.first(name: "location"),
                      let next = URL(string: location, relativeTo: url)?.absoluteURL,
                      ["http", "https"].contains(next.scheme?.lowercased() ?? "")
                else {
                    throw APIError.badRequest("Failed to fetch media from URL \(Self.shortened(url.absoluteString)): a redirect without a usable http(s) Location.")
                }
                redirects += 1
                guard redirects <= policy.maxRedirects else {
                    throw APIError.badRequest(
                        "Failed to fetch media from URL \(Self.shortened(start.absoluteString)): more than \(policy.maxRedirects) redirects (VLM_MEDIA_MAX_REDIRECTS).")
                }
                url = next
                continue
            }
            guard (200..<300).contains(code) else {
                throw APIError.badRequest("Failed to fetch media from URL \(Self.shortened(url.absoluteString)): HTTP \(code) error")
            }
            return try await readBody(response, url: url, maxBytes: maxBytes)
        }
    }

    private func readBody(_ response: HTTPClientResponse, url: URL, maxBytes: Int) async throws -> [UInt8] {
        let tooLarge = APIError.badRequest(
            "The media at \(Self.shortened(url.absoluteString)) is larger than \(maxBytes) bytes, the largest media file this server accepts.")
        if let declared = response.headers.first(name: "content-length").flatMap(Int.init), declared > maxBytes {
            throw tooLarge
        }
        var bytes: [UInt8] = []
        do {
            for try await buffer in response.body {
                guard bytes.count + buffer.readableBytes <= maxBytes else { throw tooLarge }
                bytes.append(contentsOf: buffer.readableBytesView)
            }
        } catch let error as APIError {
            throw error
        } catch {
            throw APIError.badRequest("Failed to fetch media from URL \(Self.shortened(url.absoluteString)): \(error)")
        }
        return bytes
    }

    static func shortened(_ url: String) -> String {
        url.count <= 200 ? url : String(url.prefix(200)) + "..."
    }
}

/// Runs `body`, or throws `timeoutError` once `limit` has passed (the body is cancelled).
func withTimeLimit<T: Sendable>(_ limit: Duration, timeoutError: Error, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: limit)
            return nil
        }
        defer { group.cancelAll() }
        guard let first = try await group.next(), let value = first else { throw timeoutError }
        return value
    }
}

extension Duration {
    /// Whole or fractional seconds as a short text: "5", "0.5".
    var seconds: String {
        let (whole, attoseconds) = components
        if attoseconds == 0 { return String(whole) }
        return String(Double(whole) + Double(attoseconds) / 1e18)
    }
}
