import Testing
import VLMJSON
@testable import VLMServer

@Suite struct ChatCompletionTests {
    @Test func answersTextPromptInVLLMShape() async throws {
        let server = try await TestServer.start()
        defer { Task { await server.stop() } }
        let reply = try await server.chat(#""Hi""#)
        #expect(reply.status == 200)
        #expect(reply.headers.first(name: "content-type") == "application/json")
        #expect(normalized(reply.body) == #"{"id":"chatcmpl-ID","object":"chat.completion","created":0,"model":"test-model","choices":[{"index":0,"message":{"role":"assistant","content":"Hello world","tool_calls":[]},"logprobs":null,"finish_reason":"stop","stop_reason":null}],"usage":{"prompt_tokens":21,"total_tokens":32,"completion_tokens":11,"prompt_tokens_details":{"cached_tokens":2}}}"#)
    }

    @Test func streamsRoleChunkDeltasFinishUsageAndDone() async throws {
        let engine = FakeEngine()
        engine.script = "Hey"
        let server = try await TestServer.start(engine: engine)
        defer { Task { await server.stop() } }
        let reply = try await server.chat(#""Hi""#, extra: #","stream":true,"stream_options":{"include_usage":true}"#)
        #expect(reply.headers.first(name: "content-type") == "text/event-stream; charset=utf-8")
        let head = #"{"id":"chatcmpl-ID","object":"chat.completion.chunk","created":0,"model":"test-model","choices":["#
        #expect(eventPayloads(normalized(reply.body)) == [
            head + #"{"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}]}"#,
            head + #"{"index":0,"delta":{"content":"H"},"logprobs":null,"finish_reason":null}]}"#,
            head + #"{"index":0,"delta":{"content":"e"},"logprobs":null,"finish_reason":null}]}"#,
            head + #"{"index":0,"delta":{"content":"y"},"logprobs":null,"finish_reason":"stop","stop_reason":null}]}"#,
            head + #"],"usage":{"prompt_tokens":21,"total_tokens":24,"completion_tokens":3,"prompt_tokens_details":{"cached_tokens":2}}}"#,
            "[DONE]",
        ])
    }

    @Test func streamWithoutUsageOptionHasNoUsageChunk() async throws {
        let server = try await TestServer.start()
        defer { Task { await server.stop() } }
        let events = eventPayloads(try await server.chat(#""Hi""#, extra: #","stream":true"#).body)
        #expect(events.count == 1 + 11 + 1)
        #expect(!events.contains { $0.contains("usage") })
        #expect(events.last == "[DONE]")
    }

    @Test func twoChoicesWithLengthLimit() async throws {
        let server = try await TestServer.start()
        defer { Task { await server.stop() } }
        let reply = try await server.chat(#""Hi""#, extra: #","n":2,"max_tokens":4"#)
        let choices = reply.object["choices"] as? [[String: Any]] ?? []
        #expect(choices.map { $0["index"] as? Int } == [0, 1])
        #expect(choices.map { ($0["message"] as? [String: Any])?["content"] as? String } == ["Hell", "Hell"])
        #expect(choices.map { $0["finish_reason"] as? String } == ["length", "length"])
        #expect((reply.object["usage"] as? [String: Any])?["completion_tokens"] as? Int == 8)
    }

    @Test func stopTokenIdIsReportedAsANumber() async throws {
        let server = try await TestServer.start()
        defer { Task { await server.stop() } }
        let reply = try await server.chat(#""Hi""#, extra: #","stop_token_ids":[111]"#)
        #expect(reply.body.contains(#""message":{"role":"assistant","content":"Hell","tool_calls":[]},"logprobs":null,"finish_reason":"stop","stop_reason":111}"#))
        #expect(server.engine.aborted.isEmpty)
    }

    @Test func logprobsCarryTokenBytesAndAlternatives() async throws {
        let engine = FakeEngine()
        engine.script = "A"
        let server = try await TestServer.start(engine: engine)
        defer { Task { await server.stop() } }
        let reply = try await server.chat(#""Hi""#, extra: #","logprobs":true,"top_logprobs":2"#)
        #expect(normalized(reply.body).contains(#""logprobs":{"content":[{"token":"A","logprob":-0.5,"bytes":[65],"top_logprobs":[{"token":"A","logprob":-1.0,"bytes":[65]},{"token":"B","logprob":-2.0,"bytes":[66]}]}]}"#))
    }

    @Test func imageTokensCountInPromptAndDetails() async throws {
        let server = try await TestServer.start()
        defer { Task { await server.stop() } }
        let content = #"[{"type":"text","text":"Hi"},{"type":"image_url","image_url":{"url":"\#(pngDataURL(width: 56, height: 56))"}}]"#
        let reply = try await server.chat(content)
        #expect(reply.status == 200, "\(reply.body)")
        // 21 text tokens + vision_start/end + 4 image pads (2×2 blocks of 28 px).
        #expect(reply.body.contains(#""usage":{"prompt_tokens":27,"total_tokens":38,"completion_tokens":11,"prompt_tokens_details":{"cached_tokens":2,"image_tokens":4,"multimodal_tokens":{"image":4}}}"#))
        let submitted = try #require(server.engine.submitted.first)
        #expect(submitted.promptTokenIds.filter { $0 == 256 }.count == 4)
        #expect(submitted.visionItems.count == 1)
    }

    @Test func perPartAndPerRequestProcessorOptionsOverrideServerOnes() async throws {
        let server = try await TestServer.start { $0.mmProcessorKwargs = JSONObject([("max_pixels", .int(784 * 3))]) }
        defer { Task { await server.stop() } }
        let image = pngDataURL(width: 280, height: 280)
        let parts = #"[{"type":"image_url","image_url":"\#(image)"},{"type":"image","image":"\#(image)","max_pixels":784}]"#
        let reply = try await server.chat(parts, extra: #","mm_processor_kwargs":{"max_pixels":1568}"#)
        #expect(reply.status == 200, "\(reply.body)")
        #expect(server.engine.submitted.first?.visionItems.map(\.tokenCount) == [2, 1])
    }

    @Test func assistantTurnsAsListsOfTextPartsAreAccepted() async throws {
        let server = try await TestServer.start()
        defer { Task { await server.stop() } }
        let body = #"{"messages":[{"role":"system","content":[{"type":"text","text":"Be brief."}]},{"role":"user","content":"Hi"},{"role":"assistant","content":[{"type":"text","text":"Hello"}]},{"role":"user","content":[{"type":"text","text":"Again"}]}]}"#
        let reply = try await server.request(.POST, "/v1/chat/completions", body: body)
        #expect(reply.status == 200, "\(reply.body)")
        // No model given: the first served name is reported.
        #expect(reply.object["model"] as? String == "test-model")
    }

    @Test func aliasNameIsAcceptedAndFirstNameReported() async throws {
        let server = try await TestServer.start()
        defer { Task { await server.stop() } }
        let reply = try await server.request(.POST, "/v1/chat/completions", body: #"{"model":"alias","messages":[{"role":"user","content":"x"}]}"#)
        #expect(reply.object["model"] as? String == "test-model")
    }

    @Test func samplingFieldsReachTheEngine() async throws {
        let server = try await TestServer.start {
            $0.samplingDefaults.temperature = 0.7
            $0.samplingDefaults.topK = 20
        }
        defer { Task { await server.stop() } }
        _ = try await server.chat(#""Hi""#, extra: #","top_p":0.8,"repetition_penalty":1.05,"max_tokens":5,"stop":"x","seed":-1,"priority":3"#)
        let request = try #require(server.engine.submitted.first)
        #expect(request.sampling.temperature == 0.7)
        #expect(request.sampling.topK == 20)
        #expect(request.sampling.topP == 0.8)
        #expect(request.sampling.repetitionPenalty == 1.05)
        #expect(request.sampling.maxTokens == 5)
        #expect(request.sampling.stop == ["x"])
        #expect(request.sampling.seed == UInt64.max)
        #expect(request.priority == 3)
    }
}
