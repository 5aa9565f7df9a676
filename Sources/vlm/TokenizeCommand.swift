import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import VLMJSON
import VLMTokenizer

/// `vlm tokenize --model DIR`: UTF-8 text on stdin → `{"ids":[...],"count":N}`.
struct TokenizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokenize", abstract: "Print the token ids of the UTF-8 text on stdin as JSON.")

    @Option(help: "Checkpoint folder with tokenizer.json.")
    var model: String

    func run() throws {
        let tokenizer = try Tokenizer(directory: URL(fileURLWithPath: model))
        let ids = tokenizer.encode(try StandardInput.readText())
        let output: JSONValue = ["ids": .array(ids.map { .int($0) }), "count": .int(ids.count)]
        print(output.serialized())
    }
}
