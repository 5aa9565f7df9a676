import Foundation
import ModelFixtureFiles
import Testing
import VLMJSON
@testable import vlm

/// `vlm generate` end to end on the tiny checkpoints: chat template → tokenizer → image processor →
/// engine → model reproduces the prompt ids and greedy tokens transformers gave for the goldens.
@Suite struct GenerateCommandTests {
    static let inputs = ModelFixtureFiles.packageRoot + "/.fixtures/model/inputs/"

    private func ints(_ value: JSONValue?) -> [Int] { value?.arrayValue?.compactMap(\.intValue) ?? [] }

    @Test func promptWithTwoImagesGivesTheGoldenPromptAndTokens() throws {
        let golden = try ModelFixtureFiles.goldenCase("qwen2-vl-tiny", "two-images")
        let command = try GenerateCommand.parse([
            "--model", try ModelFixtureFiles.modelDirectory("qwen2-vl-tiny"), "--prompt", "What differs between these two pictures?",
            "--image", Self.inputs + "image-wide.png", "--image", "file://" + Self.inputs + "image-tall.png", "--max-tokens", "32",
        ])
        let output = try command.reply()
        #expect(output.promptTokens == ints(golden["prompt_ids"]).count)
        #expect(output.choices.first?.tokenIds == ints(golden["greedy"]))
        #expect(output.choices.first?.finishReason == .length)
    }

    @Test func messagesWithADataURLAndAnAssistantTurnGiveTheGoldenTokens() throws {
        let golden = try ModelFixtureFiles.goldenCase("qwen2.5-vl-tiny", "multi-turn")
        let png = try Data(contentsOf: URL(fileURLWithPath: Self.inputs + "image-tall.png")).base64EncodedString()
        let messages: JSONValue = [
            ["role": "user", "content": [
                ["type": "image_url", "image_url": ["url": .string("data:image/png;base64," + png)]],
                ["type": "text", "text": "What colour dominates?"],
            ]],
            ["role": "assistant", "content": "Mostly blue, with a red corner."],
            ["role": "user", "content": "Are you sure? Look again."],
        ]
        let file = FileManager.default.temporaryDirectory.path + "/vlm-generate-\(UUID().uuidString).json"
        try Data(messages.serialized().utf8).write(to: URL(fileURLWithPath: file))
        defer { try? FileManager.default.removeItem(atPath: file) }
        let command = try GenerateCommand.parse([
            "--model", try ModelFixtureFiles.modelDirectory("qwen2.5-vl-tiny"), "--messages", file, "--max-tokens", "32",
        ])
        let output = try command.reply()
        #expect(output.promptTokens == ints(golden["prompt_ids"]).count)
        #expect(output.choices.first?.tokenIds == ints(golden["greedy"]))
    }

    @Test func promptAndMessagesAreExclusive() {
        #expect(throws: (any Error).self) { try GenerateCommand.parse(["--model", "m", "--prompt", "a", "--messages", "f"]) }
        #expect(throws: (any Error).self) { try GenerateCommand.parse(["--model", "m"]) }
        #expect(throws: (any Error).self) { try GenerateCommand.parse(["--model", "m", "--messages", "f", "--image", "x.png"]) }
    }

    @Test func cudaDeviceFailsWithAClearMessage() throws {
        let command = try GenerateCommand.parse(["--model", "m", "--prompt", "a", "--device", "cuda"])
        let error = #expect(throws: CommandFailure.self) { try command.reply() }
        #expect(error?.description == "--device cuda: this build has no CUDA backend yet; run with --device cpu")
    }

    @Test func remoteURLsAreRefused() {
        let error = #expect(throws: CommandFailure.self) { try MediaSource.bytes("https://example.com/cat.jpg") }
        #expect(error?.description == "https://example.com/cat.jpg: vlm generate reads local files and data: URLs only")
    }
}
