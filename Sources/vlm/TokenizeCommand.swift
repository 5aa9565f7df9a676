import ArgumentParser
import VLMJSON
import VLMTokenizer

/// `vlm tokenize --model DIR`: UTF-8 text on stdin → `{"ids":[...],"count":N}`.
struct TokenizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokenize", abstract: "Print the token ids of the UTF-8 text on stdin as JSON.")

    @OptionGroup var model: TokenizerModelOption

    func run() throws {
        let tokenizer = try model.loadTokenizer()
        let ids = tokenizer.encode(try StandardInput.readText())
        let output: JSONValue = ["ids": .array(ids.map { .int($0) }), "count": .int(ids.count)]
        print(output.serialized())
    }
}
