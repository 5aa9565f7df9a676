import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import ServiceLifecycle
import VLMEngine
import VLMServer

/// A real server on a loopback port, stopped by `stop()`: over the fake engine and frontend
/// (`TestServer`) or over a real engine.
struct LoopbackServer<Engine: GenerationEngine> {
    let port: Int
    let engine: Engine
    let group: ServiceGroup
    let task: Task<Void, Error>
    var baseURL: String { "http://127.0.0.1:\(port)" }

    static func start(engine: Engine, frontend: any ModelFrontend, configure: (inout ServerSettings) -> Void = { _ in }) async throws -> Self {
        var settings = ServerSettings(servedModelNames: ["test-model", "alias"], modelPath: "/models/test", version: "0.1.0")
        settings.host = "127.0.0.1"
        settings.port = 0
        settings.logRequests = false
        configure(&settings)
        var logger = Logger(label: "test-server")
        logger.logLevel = .warning
        var server = try OpenAIServer(engine: engine, frontend: frontend, settings: settings, logger: logger)
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        server.onListening = { continuation.yield($0) }
        let group = server.serviceGroup(signals: [])
        let task = Task { try await group.run() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw TestFailure("server did not start") }
        return Self(port: port, engine: engine, group: group, task: task)
    }

    func stop() async {
        await group.triggerGracefulShutdown()
        _ = try? await task.value
    }

    struct Reply {
        var status: Int
        var body: String
        var headers: HTTPHeaders
        var json: Any? { try? JSONSerialization.jsonObject(with: Data(body.utf8), options: [.fragmentsAllowed]) }
        var object: [String: Any] { json as? [String: Any] ?? [:] }
        var errorMessage: String { (object["error"] as? [String: Any])?["message"] as? String ?? "" }
    }

    func request(_ method: HTTPMethod = .POST, _ path: String, body: String? = nil, headers: [(String, String)] = []) async throws -> Reply {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = method
        if body != nil { request.headers.add(name: "content-type", value: "application/json") }
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(ByteBuffer(string: body)) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(20))
        let bytes = try await response.body.collect(upTo: 64 << 20)
        return Reply(status: Int(response.status.code), body: String(buffer: bytes), headers: response.headers)
    }

    /// A chat request with one user message; `extra` is spliced into the body object.
    func chat(_ content: String, extra: String = "", headers: [(String, String)] = []) async throws -> Reply {
        try await request(.POST, "/v1/chat/completions",
                          body: #"{"model":"test-model","messages":[{"role":"user","content":\#(content)}]\#(extra)}"#, headers: headers)
    }
}

typealias TestServer = LoopbackServer<FakeEngine>

extension LoopbackServer where Engine == FakeEngine {
    static func start(engine: FakeEngine = FakeEngine(), configure: (inout ServerSettings) -> Void = { _ in }) async throws -> Self {
        try await start(engine: engine, frontend: FakeFrontend(), configure: configure)
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// `data:` URL of a small PNG: only its header matters to the fake frontend (width × height).
func pngDataURL(width: Int, height: Int, mediaType: String = "image/png") -> String {
    "data:\(mediaType);base64," + pngHeader(width: width, height: height).base64EncodedString()
}

func pngHeader(width: Int, height: Int) -> Data {
    var bytes: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]
    for value in [width, height] { bytes += [24, 16, 8, 0].map { UInt8((value >> $0) & 0xFF) } }
    bytes += [8, 2, 0, 0, 0, 0, 0, 0, 0]
    return Data(bytes)
}
