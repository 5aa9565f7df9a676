import AsyncHTTPClient
import Foundation
import NIOCore

/// A `vlm serve` process under test, reached over loopback.
struct ExternalServer {
    let baseURL: String

    func post(_ path: String, _ body: String) async throws -> (status: Int, body: String) {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = .POST
        request.headers.add(name: "content-type", value: "application/json")
        request.body = .bytes(ByteBuffer(string: body))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
        return (Int(response.status.code), String(buffer: try await response.body.collect(upTo: 16 << 20)))
    }

    /// Polls /health until it answers 200; fails if the process exits first or time runs out.
    func waitUntilHealthy(timeout: Duration, process: Process) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            guard process.isRunning else { throw TestFailure("vlm serve exited with \(process.terminationStatus) before it served") }
            if let response = try? await HTTPClient.shared.execute(HTTPClientRequest(url: baseURL + "/health"), timeout: .seconds(2)),
               response.status.code == 200
            {
                return
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw TestFailure("vlm serve did not become healthy within \(timeout)")
    }

    static func waitForExit(_ process: Process, timeout: Duration) async throws {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning {
            guard ContinuousClock.now < deadline else { throw TestFailure("vlm serve did not exit within \(timeout) of SIGTERM") }
            try await Task.sleep(for: .milliseconds(100))
        }
    }
}
