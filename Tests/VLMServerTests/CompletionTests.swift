import Testing
@testable import VLMServer

@Suite struct CompletionTests {
    @Test func completesAStringPromptInVLLMShape() async throws {
        let server = try await TestServer.start()
        defer { Task { await server.stop() } }
        let reply = try await server.request(.POST, "/v1/completions", body: #"{"model":"test-model","prompt":"Say","max_tokens":5}"#)
        #expect(normalized(reply.body) == #"{"id":"cmpl-ID","object":"text_completion","created":0,"model":"test-model","choices":[{"index":0,"text":"Hello","logprobs":null,"finish_reason":"length","stop_reason":null}],"usage":{"prompt_tokens":3,"total_tokens":8,"completion_tokens":5,"prompt_tokens_details":{"cached_tokens":2}}}"#)
    }

    @Test func defaultMaxTokensIs16() async throws {
        let server = try await TestServer.start()
        defer { Task { await server.stop() } }
        _ = try await server.request(.POST, "/v1/completions", body: #"{"prompt":"Say"}"#)
        #expect(server.engine.submitted.first?.sampling.maxTokens == 16)
    }

    @Test func severalPromptsGiveChoicesPromptMajor() async throws {
        let server = try await TestServer.start()
        defer { Task { await server.stop() } }
        let reply = try await server.request(.POST, "/v1/completions", body: #"{"prompt":[[65,66],[67]],"n":2,"max_tokens":2,"echo":true}"#)
        let choices = reply.object["choices"] as? [[String: Any]] ?? []
        #expect(choices.map { $0["text"] as? String } == ["ABHe", "ABHe", "CHe", "CHe"])
        #expect(server.engine.submitted.map(\.promptTokenIds) == [[65, 66], [67]])
        #expect((reply.object["usage"] as? [String: Any])?["prompt_tokens"] as? Int == 3)
    }

    @Test func logprobsListTokensOffsetsAndAlternatives() async throws {
        let engine = FakeEngine()
        engine.script = "AB"
        let server = try await TestServer.start(engine: engine)
        defer { Task { await server.stop() } }
        let reply = try await server.request(.POST, "/v1/completions", body: #"{"prompt":"x","logprobs":1}"#)
        #expect(reply.body.contains(#""logprobs":{"text_offset":[0,1],"token_logprobs":[-0.5,-0.5],"tokens":["A","B"],"top_logprobs":[{"A":-0.5},{"B":-0.5,"A":-1.0}]}"#))
    }

    @Test func streamsTextChunksWithoutRoleChunk() async throws {
        let engine = FakeEngine()
        engine.script = "Yo"
        let server = try await TestServer.start(engine: engine)
        defer { Task { await server.stop() } }
        let reply = try await server.request(.POST, "/v1/completions", body: #"{"prompt":"x","stream":true,"stream_options":{"include_usage":true}}"#)
        let head = #"{"id":"cmpl-ID","object":"text_completion","created":0,"model":"test-model","choices":["#
        #expect(eventPayloads(normalized(reply.body)) == [
            head + #"{"index":0,"text":"Y","logprobs":null,"finish_reason":null,"stop_reason":null}]}"#,
            head + #"{"index":0,"text":"o","logprobs":null,"finish_reason":"stop","stop_reason":null}]}"#,
            head + #"],"usage":{"prompt_tokens":1,"total_tokens":3,"completion_tokens":2,"prompt_tokens_details":{"cached_tokens":2}}}"#,
            "[DONE]",
        ])
    }

    @Test(arguments: [
        (#"{"prompt":""}"#, "Prompt cannot be empty."),
        (#"{"prompt":[70000]}"#, "Token id 70000 is out of vocabulary"),
        (#"{"prompt":[256]}"#, "The prompt has 1 image placeholder(s) but the request carries 0 image(s); each image must appear once, as a content part (no placeholder tokens in text)."),
        (#"{"prompt":{"a":1}}"#, "Invalid request: `prompt`: expected a string, a list of strings, a list of token ids or a list of such lists"),
        (#"{"prompt":"x","suffix":"y"}"#, "`suffix` is not supported by this server."),
        (#"{"prompt":"x","logit_bias":{"5":1}}"#, "`logit_bias` is not supported by this server."),
    ])
    func refusesWhatItCannotServe(body: String, message: String) async throws {
        let server = try await TestServer.start()
        defer { Task { await server.stop() } }
        let reply = try await server.request(.POST, "/v1/completions", body: body)
        #expect(reply.status == 400)
        #expect(reply.errorMessage == message)
    }
}
