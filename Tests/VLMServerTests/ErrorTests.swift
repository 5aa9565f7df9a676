import Foundation
import Testing
import VLMJSON
@testable import VLMServer

/// Each wrong request gets the right status and a message that says what to change, while the
/// server keeps answering everyone else.
@Suite(.serialized) struct ErrorTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var body: String
        var status = 400
        var message: String
        var testDescription: String { name }
    }

    static let folder = MediaFolder()
    /// The folder's files, written once for every test that starts a server.
    static let folderCreated = Result { try folder.create() }
    static var allowed: String { folder.allowed.path }

    static func image(_ url: String) -> String {
        #"{"messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"\#(url)"}}]}]}"#
    }

    static let cases: [Case] = [
        Case(name: "malformed JSON", body: #"{"messages": [}"#,
             message: "The request body is not valid JSON: invalid JSON at line 1, column 15: unexpected character '}'"),
        Case(name: "body not an object", body: "[]", message: "The request body must be a JSON object, not array."),
        Case(name: "missing messages", body: "{}", message: "Invalid request: `messages`: field required"),
        Case(name: "wrong field type", body: #"{"messages":[{"role":"user","content":"x"}],"temperature":"hot"}"#,
             message: "Invalid request: `temperature`: expected a number, found string"),
        Case(name: "wrong content type", body: #"{"messages":[{"role":"user","content":5}]}"#,
             message: "messages[0].content must be a string or an array of content parts, not number"),
        Case(name: "unknown content part", body: #"{"messages":[{"role":"user","content":[{"type":"audio_url","audio_url":"x"}]}]}"#,
             message: "messages[0].content[0].type 'audio_url' is not supported (expected one of: text, image_url, image, video_url, video)"),
        Case(name: "bad base64", body: image("data:image/png;base64,!!!notbase64"),
             message: #"Invalid base64 in the data URL "data:image/png;base64,!!!notbase"...: the payload is not valid base64."#),
        Case(name: "data URL not base64", body: image("data:image/png,abc"), message: "Only base64 data URLs are supported for now."),
        Case(name: "undecodable image", body: image("data:image;base64,aGVsbG8="),
             message: "Could not use image 1 of the request: cannot identify image file"),
        Case(name: "unsupported scheme", body: image("ftp://example.com/a.png"), message: "The URL must be either a HTTP, data or file URL."),
        Case(name: "file outside the allowed folder", body: image("file://\(folder.root.path)/outside.png"),
             message: "The file path \(folder.root.path)/outside.png must be an existing file and a subpath of `--allowed-local-media-path \(allowed)`."),
        Case(name: "dot-dot escape", body: image("file://\(allowed)/../outside.png"),
             message: "The file path \(allowed)/../outside.png must be an existing file and a subpath of `--allowed-local-media-path \(allowed)`."),
        Case(name: "symlink escape", body: image("file://\(allowed)/escape.png"),
             message: "The file path \(allowed)/escape.png must be an existing file and a subpath of `--allowed-local-media-path \(allowed)`."),
        Case(name: "unreachable URL", body: image("http://127.0.0.1:1/a.png"),
             message: "Failed to fetch media from URL http://127.0.0.1:1/a.png: "),
        Case(name: "too many images",
             body: #"{"messages":[{"role":"user","content":[{"type":"image_url","image_url":"a"},{"type":"image_url","image_url":"b"}]},{"role":"user","content":[{"type":"image_url","image_url":"c"}]}]}"#,
             message: #"At most 2 image(s) may be provided in one prompt; this one has 3. Raise the limit with --limit-mm-per-prompt '{"image": 3}'."#),
        Case(name: "context too long", body: #"{"messages":[{"role":"user","content":"Hi"}],"max_tokens":50}"#,
             message: "This model's maximum context length is 64 tokens. However, you requested 71 tokens (21 in the messages, 50 in the completion). Please reduce the length of the messages or completion."),
        Case(name: "engine refuses a sampling value", body: #"{"messages":[{"role":"user","content":"Hi"}],"temperature":-1}"#,
             message: "temperature must be non-negative, got -1.0."),
        Case(name: "no choices asked for", body: #"{"messages":[{"role":"user","content":"Hi"}],"n":0,"stream":true}"#,
             message: "`n` must be at least 1, got 0."),
        Case(name: "stream options without stream", body: #"{"messages":[{"role":"user","content":"Hi"}],"stream_options":{"include_usage":true}}"#,
             message: "Stream options can only be defined when `stream=True`."),
        Case(name: "too many logprobs", body: #"{"messages":[{"role":"user","content":"Hi"}],"logprobs":true,"top_logprobs":21}"#,
             message: "Requested sample logprobs of 21, which is greater than max allowed: 20 (raise it with --max-logprobs)."),
        Case(name: "request's own chat template", body: #"{"messages":[{"role":"user","content":"Hi"}],"chat_template":"{{ 1 }}"}"#,
             message: "Chat template is passed with request, but --trust-request-chat-template is not set. Refused request with untrusted chat template."),
        Case(name: "template refuses", body: #"{"messages":[{"role":"tool","content":"x"}]}"#,
             message: "this template does not support tool messages"),
        Case(name: "placeholder typed as text", body: #"{"messages":[{"role":"user","content":"<|image_pad|>"}]}"#,
             message: "The prompt has 1 image placeholder(s) but the request carries 0 image(s); each image must appear once, as a content part (no placeholder tokens in text)."),
        Case(name: "unknown model", body: #"{"model":"nope","messages":[{"role":"user","content":"Hi"}]}"#, status: 404,
             message: "The model `nope` does not exist."),
        Case(name: "body over the limit", body: #"{"messages":[{"role":"user","content":"\#(String(repeating: "x", count: 5000))"}]}"#,
             message: "The request body is larger than 4096 bytes, this server's limit; raise it with --max-request-body-size."),
    ]

    static func startServer() async throws -> TestServer {
        try folderCreated.get()
        return try await TestServer.start(engine: FakeEngine(maxModelLen: 64)) {
            $0.mediaLimits = PromptMediaLimits(image: 2, video: 0)
            $0.mediaFetch.allowedLocalMediaPath = allowed
            $0.maxRequestBodyBytes = 4096
        }
    }

    @Test(arguments: cases) func answersWithStatusAndMessage(_ test: Case) async throws {
        let server = try await Self.startServer()
        defer { Task { await server.stop() } }
        let reply = try await server.request(.POST, "/v1/chat/completions", body: test.body)
        #expect(reply.status == test.status)
        #expect(reply.errorMessage.hasPrefix(test.message), "\(reply.body)")
        let error = reply.object["error"] as? [String: Any]
        #expect(error?["code"] as? Int == test.status)
        #expect(error?["type"] as? String == (test.status == 404 ? "NotFoundError" : "BadRequestError"))
        #expect(server.engine.submitted.isEmpty)
    }

    @Test func fileInsideTheAllowedFolderIsRead() async throws {
        let server = try await Self.startServer()
        defer { Task { await server.stop() } }
        let reply = try await server.request(.POST, "/v1/chat/completions", body: Self.image("file://\(Self.allowed)/ok.png"))
        #expect(reply.status == 200, "\(reply.body)")
    }

    @Test func localFilesNeedTheFlag() async throws {
        let server = try await TestServer.start()
        defer { Task { await server.stop() } }
        let reply = try await server.request(.POST, "/v1/chat/completions", body: Self.image("file://\(Self.allowed)/ok.png"))
        #expect(reply.status == 400)
        #expect(reply.errorMessage == "Cannot load local files without `--allowed-local-media-path`.")
    }

    @Test func missingAllowedFolderStopsStartUp() async throws {
        #expect(throws: ServeConfigurationError("Invalid `--allowed-local-media-path`: The path /nonexistent/vlm does not exist.")) {
            _ = try LocalMediaAccess(allowedPath: "/nonexistent/vlm")
        }
    }

    @Test func othersAreServedWhileBadRequestsFail() async throws {
        let engine = FakeEngine(maxModelLen: 64)
        engine.delayPerToken = .milliseconds(30)
        let server = try await TestServer.start(engine: engine) {
            $0.mediaLimits = PromptMediaLimits(image: 2, video: 0)
            $0.maxRequestBodyBytes = 4096
        }
        defer { Task { await server.stop() } }
        async let slow = server.chat(#""Hi""#)
        for test in Self.cases where !test.body.contains("file://") {
            do {
                #expect(try await server.request(.POST, "/v1/chat/completions", body: test.body).status == test.status, "\(test.name)")
            } catch { Issue.record("\(test.name): \(error)") }
        }
        let answered = try await slow
        #expect(answered.status == 200)
        #expect((answered.object["choices"] as? [[String: Any]])?.first?["finish_reason"] as? String == "stop")
        #expect(try await server.chat(#""again""#).status == 200)
    }
}
