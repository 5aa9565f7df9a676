import Foundation
import Hummingbird

/// A local http server for media fetching tests: an image, a redirect to it, a redirect loop, a 404,
/// and a route that never answers.
struct MediaTestServer {
    let port: Int
    let task: Task<Void, Error>
    var baseURL: String { "http://127.0.0.1:\(port)" }

    static func start() async throws -> MediaTestServer {
        let router = Router()
        router.get("/image.png") { _, _ in
            Response(status: .ok, headers: [.contentType: "image/png"], body: .init(byteBuffer: ByteBuffer(bytes: pngHeader(width: 56, height: 28))))
        }
        router.get("/redirect") { _, _ in Response(status: .found, headers: [.location: "/image.png"]) }
        router.get("/loop") { _, _ in Response(status: .found, headers: [.location: "/loop"]) }
        router.get("/big") { _, _ in
            Response(status: .ok, body: .init(byteBuffer: ByteBuffer(repeating: 0x89, count: 2 << 20)))
        }
        router.get("/never") { _, _ -> Response in
            try await Task.sleep(for: .seconds(60))
            return Response(status: .ok)
        }
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { continuation.yield($0.localAddress?.port ?? 0) })
        let task = Task { try await app.run() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw TestFailure("media server did not start") }
        return MediaTestServer(port: port, task: task)
    }

    func stop() async {
        task.cancel()
        _ = try? await task.value
    }
}
