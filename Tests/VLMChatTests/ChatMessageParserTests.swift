import Testing
import VLMChat
import VLMJSON

private func parse(_ json: String) throws -> [ChatMessage] {
    try ChatMessageParser.parse(try JSONParser.parse(json))
}

/// The message a server would answer with 400 for this request, or nil when it is accepted.
private func rejection(_ json: String) -> String? {
    do {
        _ = try parse(json)
        return nil
    } catch let error as ChatInputError {
        return error.message
    } catch {
        return "unexpected \(error)"
    }
}

@Suite struct ChatMessageParserTests {
    @Test func stringContentIsText() throws {
        let messages = try parse(#"[{"role": "user", "content": "Hi"}]"#)
        #expect(messages == [ChatMessage(role: .user, content: .text("Hi"), templateFields: JSONObject([("role", "user"), ("content", "Hi")]))])
    }

    @Test func imageURLAcceptsAnObjectOrABareString() throws {
        let messages = try parse(#"[{"role": "user", "content": [{"type": "image_url", "image_url": {"url": "a.png", "detail": "auto"}}, {"type": "image_url", "image_url": "b.png"}]}]"#)
        #expect(messages[0].media.map(\.url) == ["a.png", "b.png"])
        #expect(messages[0].media.map(\.kind) == [.image, .image])
    }

    @Test func qwenStyleImageAndVideoPartsCarryTheirOptions() throws {
        let messages = try parse(#"[{"role": "user", "content": [{"type": "video", "video": "v.mp4", "fps": 1.5, "max_pixels": 602112, "nframes": 8}, {"image": "i.png", "resized_height": 280, "resized_width": 420}]}]"#)
        var video = MediaOptions()
        video.fps = 1.5
        video.maxPixels = 602_112
        video.frameCount = 8
        var image = MediaOptions()
        image.resizedHeight = 280
        image.resizedWidth = 420
        #expect(messages[0].media == [MediaReference(kind: .video, url: "v.mp4", options: video),
                                      MediaReference(kind: .image, url: "i.png", options: image)])
    }

    @Test func aPartWithoutTypeIsInferredFromItsKey() throws {
        let messages = try parse(#"[{"role": "user", "content": [{"text": "a"}, {"video_url": {"url": "v.mp4"}}]}]"#)
        #expect(messages[0].content == .parts([.text("a"), .media(MediaReference(kind: .video, url: "v.mp4"))]))
    }

    @Test func aBareStringPartIsText() throws {
        let messages = try parse(#"[{"role": "user", "content": ["hello"]}]"#)
        #expect(messages[0].content == .parts([.text("hello")]))
    }

    @Test func assistantContentMayBeAListOfTextParts() throws {
        let messages = try parse(#"[{"role": "assistant", "content": [{"type": "text", "text": "a"}, {"type": "text", "text": "b"}]}]"#)
        #expect(messages[0].content == .parts([.text("a"), .text("b")]))
    }

    @Test func assistantContentMayBeAbsentWhenItCallsTools() throws {
        let messages = try parse(#"[{"role": "assistant", "content": null, "tool_calls": [{"type": "function", "function": {"name": "f", "arguments": "{}"}}]}]"#)
        #expect(messages[0].content == .absent)
        #expect(messages[0].templateFields.keys == ["role", "tool_calls"])
    }

    @Test func nullFieldsAreDroppedForTheTemplate() throws {
        let messages = try parse(#"[{"role": "user", "content": "x", "name": null, "extra": 1}]"#)
        #expect(messages[0].templateFields == JSONObject([("role", "user"), ("content", "x"), ("extra", 1)]))
    }

    @Test func reasoningIsAliasedAsTransformersDoes() throws {
        let messages = try parse(#"[{"role": "assistant", "content": "a", "reasoning": "r"}]"#)
        #expect(messages[0].templateFields.keys == ["thinking", "role", "content", "reasoning", "reasoning_content"])
        #expect(messages[0].templateFields["thinking"] == "r")
        #expect(messages[0].templateFields["reasoning_content"] == "r")
    }

    @Test func messagesMustBeANonEmptyArray() {
        #expect(rejection(#"{"role": "user"}"#) == "messages must be an array of message objects, not object")
        #expect(rejection("[]") == "messages must contain at least one message")
    }

    @Test func theRoleIsRequiredAndKnown() {
        #expect(rejection(#"[{"content": "x"}]"#) == "messages[0].role is required and must be a string")
        #expect(rejection(#"[{"role": "robot", "content": "x"}]"#)
            == "messages[0].role 'robot' is not supported (expected one of: system, developer, user, assistant, tool)")
    }

    @Test func userContentIsRequired() {
        #expect(rejection(#"[{"role": "user"}]"#) == "messages[0].content is required for user messages")
    }

    @Test func contentMustBeAStringOrAList() {
        #expect(rejection(#"[{"role": "user", "content": 5}]"#)
            == "messages[0].content must be a string or an array of content parts, not number")
    }

    @Test func unknownPartTypesAreRefused() {
        #expect(rejection(#"[{"role": "user", "content": [{"type": "input_audio", "input_audio": {}}]}]"#)
            == "messages[0].content[0].type 'input_audio' is not supported (expected one of: text, image_url, image, video_url, video)")
        #expect(rejection(#"[{"role": "user", "content": [{"foo": 1}]}]"#)
            == "messages[0].content[0] has no 'type' (expected one of: text, image_url, image, video_url, video)")
    }

    @Test func partFieldsHaveTheirTypes() {
        #expect(rejection(#"[{"role": "user", "content": [{"type": "text", "text": 3}]}]"#)
            == "messages[0].content[0].text is required and must be a string")
        #expect(rejection(#"[{"role": "user", "content": [{"type": "image_url", "image_url": {"link": "a"}}]}]"#)
            == "messages[0].content[0].image_url.url is required and must be a string")
        #expect(rejection(#"[{"role": "user", "content": [{"type": "image_url", "image_url": 7}]}]"#)
            == "messages[0].content[0].image_url must be a URL string or {\"url\": ...}, not number")
        #expect(rejection(#"[{"role": "user", "content": [{"type": "video", "video": ["f1.jpg", "f2.jpg"]}]}]"#)
            == "messages[0].content[0].video: a list of frames is not supported; pass one URL")
    }

    @Test func assistantPartsMustBeText() {
        #expect(rejection(#"[{"role": "assistant", "content": [{"type": "image_url", "image_url": "a.png"}]}]"#)
            == "messages[0].content[0]: assistant content parts must be text, not 'image_url'")
    }

    @Test func mediaOptionsAreTypeChecked() {
        #expect(rejection(#"[{"role": "user", "content": [{"type": "image", "image": "a", "min_pixels": -3}]}]"#)
            == "messages[0].content[0].min_pixels must be a positive integer, not -3")
        #expect(rejection(#"[{"role": "user", "content": [{"type": "video", "video": "a", "fps": "2"}]}]"#)
            == "messages[0].content[0].fps must be a positive number, not string")
        #expect(rejection(#"[{"role": "user", "content": [{"type": "image", "image": "a", "resized_height": 28}]}]"#)
            == "messages[0].content[0]: resized_height and resized_width must be given together")
        #expect(rejection(#"[{"role": "user", "content": [{"type": "image", "image": "a", "min_pixels": 900, "max_pixels": 800}]}]"#)
            == "messages[0].content[0]: min_pixels (900) is larger than max_pixels (800)")
    }

    @Test func messageFieldsHaveTheirTypes() {
        #expect(rejection(#"[{"role": "user", "content": "x", "name": 5}]"#) == "messages[0].name must be a string, not number")
        #expect(rejection(#"[{"role": "user", "content": "x", "tool_calls": []}]"#)
            == "messages[0].tool_calls is only allowed on assistant messages")
        #expect(rejection(#"[{"role": "assistant", "content": "x", "tool_calls": {}}]"#)
            == "messages[0].tool_calls must be an array, not object")
    }
}
