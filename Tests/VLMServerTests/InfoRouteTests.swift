import NIOHTTP1
import Testing
@testable import VLMServer

@Suite struct InfoRouteTests {
    @Test func healthAndPingAreEmpty200s() async throws {
        let server = try await TestServer.start()
        defer { Task { await server.stop() } }
        for (method, path) in [(HTTPMethod.GET, "/health"), (.GET, "/ping"), (.POST, "/ping")] {
            let reply = try await server.request(method, path)
            #expect(reply.status == 200)
            #expect(reply.body == "")
        }
    }

    @Test func versionAnswersTheVersion() async throws {
        let server = try await TestServer.start()
        defer { Task { await server.stop() } }
        #expect(try await server.request(.GET, "/version").body == #"{"version":"0.1.0"}"#)
    }

    @Test func modelsListsEveryServedName() async throws {
        let server = try await TestServer.start()
        defer { Task { await server.stop() } }
        let reply = try await server.request(.GET, "/v1/models")
        #expect(reply.object["object"] as? String == "list")
        let cards = reply.object["data"] as? [[String: Any]] ?? []
        #expect(cards.map { $0["id"] as? String } == ["test-model", "alias"])
        #expect(cards.first?["root"] as? String == "/models/test")
        #expect(cards.first?["max_model_len"] as? Int == 4096)
        #expect(cards.first?["owned_by"] as? String == "vlm")
        #expect(reply.body.hasPrefix(#"{"object":"list","data":[{"id":"test-model","object":"model","created":"#))
        #expect(reply.body.contains(#""owned_by":"vlm","root":"/models/test","parent":null,"max_model_len":4096,"permission":[{"id":"modelperm-"#))
    }

    @Test func tokenizeCountsWhatTheEngineWouldSee() async throws {
        let server = try await TestServer.start()
        defer { Task { await server.stop() } }
        let prompt = try await server.request(.POST, "/tokenize", body: #"{"prompt":"Hi","return_token_strs":true}"#)
        #expect(prompt.body == #"{"count":2,"max_model_len":4096,"tokens":[72,105],"token_strs":["H","i"]}"#)
        let image = pngDataURL(width: 56, height: 28)
        let chat = try await server.request(.POST, "/tokenize", body: #"{"messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"\#(image)"}}]}]}"#)
        // 22 tokens rendered; the one image pad becomes the image's 2 tokens.
        #expect(chat.object["count"] as? Int == 23)
    }

    @Test func detokenizeGivesText() async throws {
        let server = try await TestServer.start()
        defer { Task { await server.stop() } }
        #expect(try await server.request(.POST, "/detokenize", body: #"{"tokens":[72,105,261]}"#).body == #"{"prompt":"Hi<|im_end|>"}"#)
        #expect(try await server.request(.POST, "/detokenize", body: #"{"tokens":[-1]}"#).status == 400)
    }

    @Test func metricsUseVLMNames() async throws {
        let server = try await TestServer.start()
        defer { Task { await server.stop() } }
        _ = try await server.chat(#""Hi""#)
        let text = try await server.request(.GET, "/metrics").body
        for line in [
            #"vlm:prompt_tokens_total{model_name="test-model"} 21"#,
            #"vlm:generation_tokens_total{model_name="test-model"} 11"#,
            #"vlm:request_success_total{model_name="test-model",finished_reason="stop"} 1"#,
            #"vlm:request_prompt_tokens_count{model_name="test-model"} 1"#,
            #"vlm:time_to_first_token_seconds_count{model_name="test-model"} 1"#,
            #"vlm:e2e_request_latency_seconds_count{model_name="test-model"} 1"#,
            #"vlm:time_per_output_token_seconds_count{model_name="test-model"} 10"#,
            #"vlm:kv_cache_usage_perc{model_name="test-model"} 0.25"#,
            #"vlm:num_preemptions_total{model_name="test-model"} 3"#,
        ] {
            #expect(text.contains(line + "\n"), "\(line)")
        }
    }

    @Test func openAPIDocumentNamesTheRoutes() async throws {
        let server = try await TestServer.start()
        defer { Task { await server.stop() } }
        let reply = try await server.request(.GET, "/openapi.json")
        #expect(reply.object["openapi"] as? String == "3.1.0")
        let paths = (reply.object["paths"] as? [String: Any])?.keys.sorted()
        #expect(paths == ["/detokenize", "/health", "/metrics", "/ping", "/tokenize", "/v1/chat/completions", "/v1/completions", "/v1/models", "/version"])
    }

    @Test func unknownRouteIsAJSON404() async throws {
        let server = try await TestServer.start()
        defer { Task { await server.stop() } }
        let reply = try await server.request(.GET, "/v2/nothing")
        #expect(reply.status == 404)
        #expect(reply.body == #"{"error":{"message":"Not Found","type":"NotFoundError","param":null,"code":404}}"#)
    }
}

@Suite struct AccessTests {
    static func keyed() async throws -> TestServer {
        try await TestServer.start { $0.apiKeys = ["first", "second"] }
    }

    @Test func missingKeyIs401() async throws {
        let server = try await Self.keyed()
        defer { Task { await server.stop() } }
        let reply = try await server.chat(#""Hi""#)
        #expect(reply.status == 401)
        #expect(reply.body == #"{"error":{"message":"Missing API key: send it as the header `Authorization: Bearer <key>`.","type":"AuthenticationError","param":null,"code":401}}"#)
    }

    @Test func wrongKeyIs401() async throws {
        let server = try await Self.keyed()
        defer { Task { await server.stop() } }
        let reply = try await server.chat(#""Hi""#, headers: [("Authorization", "Bearer firs")])
        #expect(reply.status == 401)
        #expect(reply.errorMessage == "Invalid API key.")
    }

    @Test func anyGivenKeyWorks() async throws {
        let server = try await Self.keyed()
        defer { Task { await server.stop() } }
        #expect(try await server.chat(#""Hi""#, headers: [("Authorization", "Bearer second")]).status == 200)
        #expect(try await server.request(.GET, "/v1/models", headers: [("Authorization", "Bearer first")]).status == 200)
    }

    @Test func routesOutsideV1NeedNoKey() async throws {
        let server = try await Self.keyed()
        defer { Task { await server.stop() } }
        #expect(try await server.request(.GET, "/health").status == 200)
        #expect(try await server.request(.GET, "/metrics").status == 200)
        #expect(try await server.request(.GET, "/v1/models").status == 401)
    }

    @Test func corsPreflightIsAnsweredWithoutKey() async throws {
        let server = try await Self.keyed()
        defer { Task { await server.stop() } }
        let reply = try await server.request(.OPTIONS, "/v1/chat/completions", headers: [
            ("Origin", "http://app.example"), ("Access-Control-Request-Method", "POST"),
            ("Access-Control-Request-Headers", "authorization,content-type"),
        ])
        #expect(reply.status == 200)
        #expect(reply.headers.first(name: "access-control-allow-origin") == "*")
        #expect(reply.headers.first(name: "access-control-allow-headers") == "authorization,content-type")
        #expect(reply.headers.first(name: "access-control-allow-methods") == "DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT")
    }

    @Test func corsOriginListEchoesAllowedOriginsOnly() async throws {
        let server = try await TestServer.start { $0.cors.allowedOrigins = ["http://good.example"] }
        defer { Task { await server.stop() } }
        let good = try await server.request(.GET, "/v1/models", headers: [("Origin", "http://good.example")])
        #expect(good.headers.first(name: "access-control-allow-origin") == "http://good.example")
        #expect(good.headers.first(name: "vary") == "Origin")
        let bad = try await server.request(.GET, "/v1/models", headers: [("Origin", "http://bad.example")])
        #expect(bad.headers.first(name: "access-control-allow-origin") == nil)
    }
}
