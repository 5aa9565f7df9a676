import Testing
@testable import VLMServer

/// The clients users really have: the `requests` scripts of the tutorials, the official `openai`
/// package, and curl, each against a server on loopback. Missing Python packages fail these tests.
@Suite struct ClientScriptTests {
    static func keyedServer() async throws -> TestServer {
        try await TestServer.start { $0.apiKeys = ["sk-test"] }
    }

    func expectPasses(_ executable: String, _ script: String) async throws {
        let server = try await Self.keyedServer()
        defer { Task { await server.stop() } }
        let result = try await ScriptRunner.run(executable, [script, server.baseURL, "sk-test"])
        #expect(result.status == 0, "\(result.output)")
    }

    @Test func tutorialRequestScripts() async throws {
        try await expectPasses("python3", "tutorial_requests.py")
    }

    @Test func officialOpenAIClient() async throws {
        try await expectPasses("python3", "openai_client.py")
    }

    @Test func curlWithBearerKeyAndBareImageDataURL() async throws {
        try await expectPasses("bash", "curl_image.sh")
    }
}
