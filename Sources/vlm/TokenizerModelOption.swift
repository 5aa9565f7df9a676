import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import VLMTokenizer

/// `--model DIR` for the verbs that need only the checkpoint's tokenizer.
struct TokenizerModelOption: ParsableArguments {
    @Option(help: "Checkpoint folder with tokenizer.json (and tokenizer_config.json).")
    var model: String

    func loadTokenizer() throws -> Tokenizer {
        try Tokenizer(directory: URL(fileURLWithPath: model))
    }
}
