import Foundation
import ModelFixtureFiles
import Testing

/// The README's first command: `vlm serve` with no model serves the demo checkpoint, answers a chat with
/// an image and a stream, says its answers are noise, and exits cleanly on SIGTERM.
@Suite struct DemoCommandTests {
    /// The `vlm` binary built next to this test bundle.
    static func binary() throws -> String {
        let folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        return try ModelFixtureFiles.existing(folder.appendingPathComponent("vlm").path)
    }

    static func freePort() throws -> Int {
        let socket = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, length) == 0 && getsockname(socket, $0, &length) == 0 }
        }
        guard bound else { throw TestFailure("no free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    @Test func demoStartsAnswersAndStopsOnSIGTERM() async throws {
        let cache = try ModelFixtureFiles.existing(ModelFixtureFiles.packageRoot + "/.fixtures/server/cache/demo-qwen2-vl-tiny")
        let port = try Self.freePort()
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("vlm-demo-\(UUID().uuidString).log")
        guard FileManager.default.createFile(atPath: log.path, contents: nil) else { throw TestFailure("cannot create \(log.path)") }
        defer { try? FileManager.default.removeItem(at: log) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try Self.binary())
        process.arguments = ["serve", "--host", "127.0.0.1", "--port", String(port)]
        process.environment = ProcessInfo.processInfo.environment.merging(
            ["VLM_CACHE_DIR": URL(fileURLWithPath: cache).deletingLastPathComponent().path]) { $1 }
        let output = try FileHandle(forWritingTo: log)
        process.standardOutput = output
        process.standardError = output
        try process.run()
        defer { if process.isRunning { process.terminate() } }
        let server = ExternalServer(baseURL: "http://127.0.0.1:\(port)")
        try await server.waitUntilHealthy(timeout: .seconds(180), process: process)

        let image = try Data(contentsOf: URL(fileURLWithPath: try ModelFixtureFiles.existing(
            ModelFixtureFiles.packageRoot + "/.fixtures/model/inputs/image-tall.png")))
        let content = #"[{"type":"image_url","image_url":{"url":"data:image;base64,\#(image.base64EncodedString())"}},{"type":"text","text":"What is this?"}]"#
        let answer = try await server.post("/v1/chat/completions", #"{"messages":[{"role":"user","content":\#(content)}],"max_tokens":8}"#)
        #expect(answer.status == 200, "\(answer.body)")
        #expect(answer.body.contains(#""image_tokens":8"#))
        let stream = try await server.post("/v1/chat/completions", #"{"messages":[{"role":"user","content":"Hi"}],"max_tokens":4,"stream":true}"#)
        #expect(stream.body.hasSuffix("data: [DONE]\n\n"))

        kill(process.processIdentifier, SIGTERM)
        try await ExternalServer.waitForExit(process, timeout: .seconds(60))
        #expect(process.terminationReason == .exit && process.terminationStatus == 0)
        let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        #expect(text.contains("its answers are noise"), "\(text)")
    }
}
