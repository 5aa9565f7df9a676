import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import VLMJSON
import VLMTokenizer

/// `vlm detokenize --model DIR`: a JSON array of ids on stdin → `{"text":"..."}`.
struct DetokenizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "detokenize", abstract: "Print the text of the JSON array of token ids on stdin as JSON.")

    @Option(help: "Checkpoint folder with tokenizer.json.")
    var model: String

    func run() throws {
        let tokenizer = try Tokenizer(directory: URL(fileURLWithPath: model))
        let ids = try Self.parseIds(try StandardInput.readAll(), vocabularySize: tokenizer.vocabularySize) { tokenizer.token(forId: $0) != nil }
        let output: JSONValue = ["text": .string(tokenizer.decode(ids))]
        print(output.serialized())
    }

    /// The ids of a JSON array; anything else, or an id no token has, is an error.
    static func parseIds(_ bytes: [UInt8], vocabularySize: Int, isKnown: (Int) -> Bool) throws -> [Int] {
        let value: JSONValue
        do { value = try JSONParser.parse(bytes) } catch { throw CommandFailure(description: "stdin: \(error)") }
        guard let items = value.arrayValue else {
            throw CommandFailure(description: "stdin must be a JSON array of token ids, not a \(value.typeName)")
        }
        return try items.enumerated().map { position, item in
            guard case .int(let id) = item else {
                throw CommandFailure(description: "item \(position) of the array is a \(item.typeName), not an integer token id")
            }
            guard isKnown(id) else {
                throw CommandFailure(description: "item \(position): \(id) is not a token id (the vocabulary has ids 0..<\(vocabularySize))")
            }
            return id
        }
    }
}
