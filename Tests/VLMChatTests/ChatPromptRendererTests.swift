import Foundation
import Testing
import VLMChat
import VLMJSON
import VLMTemplate

private func renderer(_ template: String, tokens: JSONObject = JSONObject()) throws -> ChatPromptRenderer {
    try ChatPromptRenderer(source: ChatTemplateSource(text: template, origin: "test"), specialTokens: tokens)
}

private let hello = [ChatMessage(role: .user, content: .text("hi"), templateFields: JSONObject([("role", "user"), ("content", "hi")]))]

@Suite struct ChatPromptRendererTests {
    @Test func theTemplateSeesTransformersVariables() throws {
        let text = try renderer("{{ messages[0].content }}|{{ tools }}|{{ documents }}|{{ add_generation_prompt }}|{{ eos_token }}",
                                tokens: JSONObject([("eos_token", "<|im_end|>")])).render(hello).text
        #expect(text == "hi|None|None|True|<|im_end|>")
    }

    @Test func addVisionIDIsOnlyDefinedWhenRequested() throws {
        let template = try renderer("{{ add_vision_id is defined }}")
        var options = ChatRenderOptions()
        #expect(try template.render(hello, options: options).text == "False")
        options.addVisionID = true
        #expect(try template.render(hello, options: options).text == "True")
    }

    @Test func chatTemplateKwargsBecomeVariablesOverSpecialTokens() throws {
        var options = ChatRenderOptions()
        options.templateArguments = JSONObject([("enable_thinking", false), ("eos_token", "X")])
        let text = try renderer("{{ enable_thinking }} {{ eos_token }}", tokens: JSONObject([("eos_token", "E")]))
            .render(hello, options: options).text
        #expect(text == "False X")
    }

    @Test func chatTemplateKwargsCannotReplaceTheMessages() throws {
        var options = ChatRenderOptions()
        options.templateArguments = JSONObject([("messages", [])])
        #expect(throws: ChatInputError("chat_template_kwargs may not set 'messages'")) {
            try renderer("x").render(hello, options: options)
        }
    }

    @Test func toolsArePassedAsGiven() throws {
        var options = ChatRenderOptions()
        options.tools = [["type": "function"]]
        #expect(try renderer("{{ tools | tojson }}").render(hello, options: options).text == #"[{"type": "function"}]"#)
    }

    @Test func raiseExceptionSurfacesAsATemplateError() throws {
        #expect(throws: TemplateError(.raised, "no system messages", at: SourceLocation(line: 1, column: 19))) {
            try renderer("{{ raise_exception('no system messages') }}").render(hello)
        }
    }

    @Test func specialTokensAreTheNamedOnesThatAreSet() throws {
        let config = try #require(try JSONParser.parse("""
            {"bos_token": null, "eos_token": "<|im_end|>", "pad_token": {"__type": "AddedToken", "content": "<|endoftext|>"},
             "image_token": "<|image_pad|>", "add_bos_token": false, "chat_template": "x",
             "extra_special_tokens": {"video_token": "<|video_pad|>"}}
            """).objectValue)
        #expect(SpecialTokens.named(in: config) == JSONObject([("eos_token", "<|im_end|>"), ("pad_token", "<|endoftext|>"),
                                                              ("image_token", "<|image_pad|>"), ("video_token", "<|video_pad|>")]))
    }

    @Test func legacySpecialTokensMapIsReadWhenTheConfigHasNoAddedTokens() throws {
        let folder = try makeModelFolder(["tokenizer_config.json": #"{"eos_token": "</s>"}"#,
                                          "special_tokens_map.json": #"{"eos_token": {"content": "<eos>"}, "bos_token": "<s>"}"#])
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(try SpecialTokens.load(modelDirectory: folder.path) == JSONObject([("bos_token", "<s>"), ("eos_token", "<eos>")]))
    }

    @Test func openAIVideoURLPartsRenderAVideoPlaceholderWithQwensTemplate() throws {
        let messages = try ChatMessageParser.parse(JSONParser.parse(#"""
            [{"role": "user", "content": [{"type": "video_url", "video_url": {"url": "clip.mp4"}},
                                          {"type": "image_url", "image_url": "cat.png"}, {"type": "text", "text": "Both?"}]}]
            """#))
        let rendered = try ChatPromptRenderer(modelDirectory: ChatFixtures.modelFolder("qwen2-vl")).render(messages)
        #expect(rendered.text == "<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n<|im_start|>user\n"
            + "<|vision_start|><|video_pad|><|vision_end|><|vision_start|><|image_pad|><|vision_end|>Both?<|im_end|>\n"
            + "<|im_start|>assistant\n")
        #expect(rendered.media.map(\.kind) == [.video, .image])
    }

    @Test func qwenFoldersProvideEosAndPadTokens() throws {
        let tokens = try SpecialTokens.load(modelDirectory: ChatFixtures.modelFolder("qwen2-vl"))
        #expect(tokens == JSONObject([("eos_token", "<|im_end|>"), ("pad_token", "<|endoftext|>")]))
    }
}

@Suite struct FinalMessageContinuationTests {
    private let prefill = [ChatMessage(role: .assistant, content: .text("abc  "), templateFields: JSONObject([("role", "assistant"), ("content", "abc  ")]))]

    @Test func aTemplateThatTrimsTheMessageEndsTheCutAtItsText() throws {
        var options = ChatRenderOptions()
        options.addGenerationPrompt = false
        options.continueFinalMessage = true
        let text = try renderer("{{ messages[-1]['content'] | trim }}<END>").render(prefill, options: options).text
        #expect(text == "abc")
    }

    @Test func continuingAndAGenerationPromptExcludeEachOther() throws {
        var options = ChatRenderOptions()
        options.continueFinalMessage = true
        #expect(throws: ChatInputError.self) { try renderer("{{ messages[-1]['content'] }}").render(prefill, options: options) }
    }

    @Test func aTemplateThatDropsTheMessageCannotBeContinued() throws {
        var options = ChatRenderOptions()
        options.addGenerationPrompt = false
        options.continueFinalMessage = true
        #expect(throws: ChatInputError.self) { try renderer("{{ messages | length }} content").render(prefill, options: options) }
    }
}
