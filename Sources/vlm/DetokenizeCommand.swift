import ArgumentParser
import VLMJSON
import VLMTokenizer

/// `vlm detokenize --model DIR`: a JSON array of ids on stdin → `{"text":"..."}`.
struct DetokenizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "detokenize", abstract: "Print the text of the JSON array of token ids on stdin as JSON.")

    @OptionGroup var model: TokenizerModelOption

    func run() throws {
        let tokenizer = try model.loadTokenizer()
        let ids = try Self.parseIds(try StandardInput.readAll(), tokenizer: tokenizer)
        let output: JSONValue = ["text": .string(tokenizer.decode(ids))]
        print(output.serialized())
    }

    /// The ids of a JSON array; anything else, or an id no token has, is an error.
    static func parseIds(_ bytes: [UInt8], tokenizer: Tokenizer) throws -> [Int] {
        let value: JSONValue
        do { value = try JSONParser.parse(bytes) } catch { throw CommandFailure(description: "stdin: \(error)") }
        guard let items = value.arrayValue else {
            throw CommandFailure(description: "stdin must be a JSON array of token ids, not a \(value.typeName)")
        }
        return try items.enumerated().map { position, item in
            guard case .int(let id) = item else {
                throw CommandFailure(description: "item \(position) of the array is a \(item.typeName), not an integer token id")
            }
            guard tokenizer.token(forId: id) != nil else {
                throw CommandFailure(description: "item \(position): \(id) is not a token id (the vocabulary has ids 0..<\(tokenizer.vocabularySize))")
            }
            return id
        }
    }
}
