import ArgumentParser
import VLMChat
import VLMJSON
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `vlm render-chat --model DIR [--add-vision-id] [--no-generation-prompt] [--chat-template FILE]`:
/// OpenAI `messages` JSON on stdin, the rendered prompt on stdout exactly (no trailing newline).
struct RenderChatCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render-chat",
        abstract: "Render chat messages (JSON on stdin) with the model's chat template."
    )

    @Option(name: .long, help: "Checkpoint folder (chat_template.json / tokenizer_config.json).")
    var model: String

    @Flag(name: .long, help: "Label media as \"Picture N: \" / \"Video N: \" (Qwen's add_vision_id).")
    var addVisionId = false

    @Flag(name: .long, help: "Do not end with the assistant header.")
    var noGenerationPrompt = false

    @Option(name: .long, help: "A chat template file (or template text) to use instead of the model's.")
    var chatTemplate: String?

    func run() throws {
        do {
            let renderer = try ChatPromptRenderer(modelDirectory: model, chatTemplate: chatTemplate)
            let messages = try ChatMessageParser.parse(try JSONParser.parse(readStandardInput()))
            var options = ChatRenderOptions()
            options.addVisionID = addVisionId
            options.addGenerationPrompt = !noGenerationPrompt
            writeStandardOutput(try renderer.render(messages, options: options).text)
        } catch {
            // One line, whatever the error text holds (template messages may contain newlines).
            let line = "render-chat: \(error)".split(whereSeparator: \.isNewline).joined(separator: " ")
            fputs(line + "\n", stderr)
            throw ExitCode.failure
        }
    }
}

func readStandardInput() -> [UInt8] {
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 1 << 16)
    while true {
        let count = read(0, &buffer, buffer.count)
        if count <= 0 { break }
        bytes.append(contentsOf: buffer[0..<count])
    }
    return bytes
}

func writeStandardOutput(_ text: String) {
    var bytes = Array(text.utf8)
    var offset = 0
    while offset < bytes.count {
        let written = bytes.withUnsafeMutableBytes { write(1, $0.baseAddress! + offset, $0.count - offset) }
        if written <= 0 { break }
        offset += written
    }
}
