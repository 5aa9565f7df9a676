import AsyncHTTPClient
import Foundation
import NIOCore
import Testing
@testable import VLMServer

/// Engine requests end with their client, engine failures reach the client and /health, and a
/// shutdown lets work finish or aborts it.
@Suite struct LifecycleTests {
    static func slowEngine(_ delay: Duration = .milliseconds(50)) -> FakeEngine {
        let engine = FakeEngine()
        engine.delayPerToken = delay
        return engine
    }

    /// Waits up to a second for the engine to see an abort.
    static func waitForAbort(_ engine: FakeEngine) async throws -> [String] {
        for _ in 0..<100 where engine.aborted.isEmpty { try await Task.sleep(for: .milliseconds(10)) }
        return engine.aborted
    }

    /// Waits until the engine has the request, so a shutdown cannot come before the connection.
    static func waitForSubmission(_ engine: FakeEngine) async throws {
        for _ in 0..<500 where engine.submitted.isEmpty { try await Task.sleep(for: .milliseconds(10)) }
    }

    @Test func clientLeavingAFullAnswerAbortsItsRequest() async throws {
        let server = try await TestServer.start(engine: Self.slowEngine())
        defer { Task { await server.stop() } }
        var request = HTTPClientRequest(url: server.baseURL + "/v1/chat/completions")
        request.method = .POST
        request.body = .bytes(ByteBuffer(string: #"{"messages":[{"role":"user","content":"Hi"}]}"#))
        await #expect(throws: (any Error).self) { _ = try await HTTPClient.shared.execute(request, timeout: .milliseconds(150)) }
        let aborted = try await Self.waitForAbort(server.engine)
        #expect(aborted == server.engine.submitted.map(\.id))
    }

    @Test func clientLeavingAStreamAbortsItsRequest() async throws {
        let server = try await TestServer.start(engine: Self.slowEngine())
        defer { Task { await server.stop() } }
        var request = HTTPClientRequest(url: server.baseURL + "/v1/chat/completions")
        request.method = .POST
        request.body = .bytes(ByteBuffer(string: #"{"messages":[{"role":"user","content":"Hi"}],"stream":true}"#))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(5))
        for try await _ in response.body { break }
        let aborted = try await Self.waitForAbort(server.engine)
        #expect(aborted == server.engine.submitted.map(\.id))
    }

    @Test func engineFailureIsA500ThenHealthIs503() async throws {
        let engine = FakeEngine()
        engine.failAfterTokens = 2
        let server = try await TestServer.start(engine: engine)
        defer { Task { await server.stop() } }
        #expect(try await server.request(.GET, "/health").status == 200)
        let failed = try await server.chat(#""Hi""#)
        #expect(failed.status == 500)
        #expect(failed.errorMessage == "The engine failed while generating: simulated device failure")
        #expect(try await server.request(.GET, "/health").status == 503)
        #expect(try await server.request(.GET, "/ping").status == 503)
        let refused = try await server.chat(#""Hi""#)
        #expect(refused.status == 503)
        #expect(refused.errorMessage.hasPrefix("The engine has failed and cannot take requests"))
    }

    @Test func engineFailureMidStreamIsAnErrorEventThenDone() async throws {
        let engine = FakeEngine()
        engine.failAfterTokens = 1
        let server = try await TestServer.start(engine: engine)
        defer { Task { await server.stop() } }
        let events = eventPayloads(normalized(try await server.chat(#""Hi""#, extra: #","stream":true"#).body))
        #expect(events.suffix(2) == [
            #"{"error":{"message":"The engine failed while generating: simulated device failure","type":"InternalServerError","param":null,"code":500}}"#,
            "[DONE]",
        ])
        #expect(events.count == 4)
    }

    @Test func shutdownLetsRunningRequestsFinish() async throws {
        let server = try await TestServer.start(engine: Self.slowEngine(.milliseconds(20)))
        async let answer = server.chat(#""Hi""#)
        try await Self.waitForSubmission(server.engine)
        await server.group.triggerGracefulShutdown()
        #expect(try await answer.status == 200)
        _ = try? await server.task.value
        #expect(server.engine.aborted.isEmpty)
    }

    @Test func shutdownAbortsWhatOutlivesTheTimeout() async throws {
        let server = try await TestServer.start(engine: Self.slowEngine(.seconds(1))) { $0.shutdownTimeout = .milliseconds(200) }
        async let answer = server.chat(#""Hi""#)
        try await Self.waitForSubmission(server.engine)
        await server.group.triggerGracefulShutdown()
        _ = try? await answer
        _ = try? await server.task.value
        #expect(server.engine.aborted == server.engine.submitted.map(\.id))
    }
}
