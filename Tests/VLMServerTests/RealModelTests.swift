import Foundation
import ModelFixtureFiles
import Testing
import VLMCompute
import VLMEngine
import VLMJSON
@testable import VLMServer

/// The whole path on the tiny Qwen2-VL checkpoint of the model fixtures (CPU backend): an OpenAI
/// request with a PNG image gives transformers' prompt ids and greedy tokens.
@Suite(.serialized) struct RealModelTests {
    static let model = "qwen2-vl-tiny"
    /// Bounds the start-up profiling image; the test image (280×168) is not resized under it.
    static let processorOptions = JSONObject([("max_pixels", .int(200_704))])

    static func startServer() async throws -> LoopbackServer<LLMEngine<LoadedModelExecutor>> {
        let directory = try ModelFixtureFiles.modelDirectory(model)
        let processor = try QwenVLFrontend.processorConfig(modelDirectory: directory, options: processorOptions)
        var options = EngineStartup.Options(modelDirectory: directory, totalMemoryBytes: 1 << 30)
        options.maxModelLen = 2048
        options.largestImageGrid = QwenVLFrontend.largestImageGrid(processor)
        let started = try EngineStartup.start(options, backend: CPUBackend(), log: { _ in })
        let frontend = try QwenVLFrontend(modelDirectory: directory, tokenizer: started.tokenizer, chatTemplate: nil, processorConfig: processor)
        return try await LoopbackServer.start(engine: started.engine, frontend: frontend) {
            $0.samplingDefaults = started.defaults.sampling
            $0.mmProcessorKwargs = processorOptions
        }
    }

    static func imageMessages() throws -> String {
        let png = try Data(contentsOf: URL(fileURLWithPath: try ModelFixtureFiles.existing(
            ModelFixtureFiles.packageRoot + "/.fixtures/model/inputs/image-wide.png")))
        let url = "data:image/png;base64," + png.base64EncodedString()
        return #"[{"role":"user","content":[{"type":"image_url","image_url":{"url":"\#(url)"}},{"type":"text","text":"Describe this image."}]}]"#
    }

    static func golden(_ key: String) throws -> [Int] {
        try ModelFixtureFiles.goldenCase(model, "one-image")[key]?.arrayValue?.compactMap(\.intValue) ?? []
    }

    @Test func imagePromptTokenizesAsTransformers() async throws {
        let server = try await Self.startServer()
        defer { Task { await server.stop(); server.engine.shutdown() } }
        let reply = try await server.request(.POST, "/tokenize", body: #"{"messages":\#(try Self.imageMessages())}"#)
        #expect(reply.status == 200, "\(reply.body)")
        #expect(reply.object["tokens"] as? [Int] == (try Self.golden("prompt_ids")))
    }

    @Test func imageChatGivesTransformersGreedyAnswer() async throws {
        let server = try await Self.startServer()
        defer { Task { await server.stop(); server.engine.shutdown() } }
        let greedy = try Self.golden("greedy")
        // Greedy as transformers' goldens: no repetition penalty (the checkpoint's generation_config has 1.05).
        let body = #"{"messages":\#(try Self.imageMessages()),"temperature":0,"max_tokens":\#(greedy.count),"ignore_eos":true,"skip_special_tokens":false,"repetition_penalty":1.0}"#
        let reply = try await server.request(.POST, "/v1/chat/completions", body: body)
        #expect(reply.status == 200, "\(reply.body)")
        let content = ((reply.object["choices"] as? [[String: Any]])?.first?["message"] as? [String: Any])?["content"] as? String
        let expected = try await server.request(.POST, "/detokenize", body: #"{"tokens":\#(greedy)}"#).object["prompt"] as? String
        #expect(content == expected, "\(reply.body)")
        let usage = reply.object["usage"] as? [String: Any]
        #expect(usage?["prompt_tokens"] as? Int == (try Self.golden("prompt_ids")).count)
        #expect(usage?["completion_tokens"] as? Int == greedy.count)
        #expect((usage?["prompt_tokens_details"] as? [String: Any])?["image_tokens"] as? Int == 60)
    }
}
