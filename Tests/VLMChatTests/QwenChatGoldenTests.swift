import Testing
import VLMChat
import VLMJSON

/// Qwen2-VL and Qwen2.5-VL requests render byte for byte as transformers' apply_chat_template renders
/// them, and the media come out in placeholder order.
@Suite struct QwenChatGoldenTests {
    private func render(_ testCase: JSONObject) throws -> RenderedPrompt {
        let family = try #require(testCase["family"]?.stringValue)
        let renderer = try ChatPromptRenderer(modelDirectory: ChatFixtures.modelFolder(family))
        var options = ChatRenderOptions()
        options.addGenerationPrompt = testCase["add_generation_prompt"]?.boolValue ?? true
        options.addVisionID = testCase["add_vision_id"]?.boolValue ?? false
        options.continueFinalMessage = testCase["continue_final_message"]?.boolValue ?? false
        return try renderer.render(try ChatMessageParser.parse(testCase["messages"] ?? .null), options: options)
    }

    @Test func promptsMatchTransformersForBothFamilies() throws {
        let cases = try ChatFixtures.cases()
        #expect(!cases.isEmpty)
        for testCase in cases {
            let name = testCase["name"]?.stringValue ?? "?"
            #expect(try render(testCase).text == testCase["expected"]?.stringValue, "\(name)")
        }
    }

    @Test func mediaComeInPlaceholderOrder() throws {
        for testCase in try ChatFixtures.cases() {
            let expected = (testCase["media"]?.arrayValue ?? []).map { "\($0["kind"]?.stringValue ?? ""):\($0["url"]?.stringValue ?? "")" }
            let media = try render(testCase).media.map { "\($0.kind.rawValue):\($0.url)" }
            #expect(media == expected, "\(testCase["name"]?.stringValue ?? "?")")
        }
    }

    @Test func bothFamiliesAreCovered() throws {
        let families = Set(try ChatFixtures.cases().compactMap { $0["family"]?.stringValue })
        #expect(families == ["qwen2-vl", "qwen2.5-vl"])
    }

    @Test func visionIDsNumberImagesAndVideosAcrossTheConversation() throws {
        let renderer = try ChatPromptRenderer(modelDirectory: ChatFixtures.modelFolder("qwen2-vl"))
        let messages = try ChatMessageParser.parse(try JSONParser.parse("""
            [{"role": "user", "content": [{"type": "image", "image": "a.png"}, {"type": "text", "text": "x"}]},
             {"role": "assistant", "content": "ok"},
             {"role": "user", "content": [{"type": "image", "image": "b.png"}, {"type": "video", "video": "c.mp4"}]}]
            """))
        var options = ChatRenderOptions()
        options.addVisionID = true
        let text = try renderer.render(messages, options: options).text
        #expect(text == "<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n"
            + "<|im_start|>user\nPicture 1: <|vision_start|><|image_pad|><|vision_end|>x<|im_end|>\n"
            + "<|im_start|>assistant\nok<|im_end|>\n"
            + "<|im_start|>user\nPicture 2: <|vision_start|><|image_pad|><|vision_end|>"
            + "Video 1: <|vision_start|><|video_pad|><|vision_end|><|im_end|>\n<|im_start|>assistant\n")
    }
}
