import Foundation
import Testing
import VLMJSON
import VLMTokenizer

/// Files this tokenizer cannot honour exactly are refused with an error naming the problem.
@Suite struct LoadingErrorTests {
    /// The tiny fixture tokenizer.json with the value at `path` replaced (`nil` removes it).
    static func tinyJSON(setting path: [String], to value: JSONValue?) throws -> [UInt8] {
        func set(_ node: JSONValue, _ path: ArraySlice<String>) -> JSONValue? {
            guard let key = path.first else { return value }
            if var array = node.arrayValue, let index = Int(key), array.indices.contains(index) {
                array[index] = set(array[index], path.dropFirst()) ?? .null
                return .array(array)
            }
            var object = node.objectValue ?? JSONObject()
            object[key] = set(object[key] ?? .null, path.dropFirst())
            return .object(object)
        }
        return Array((set(try Fixtures.json("tiny/tokenizer.json"), path[...]) ?? .null).serialized().utf8)
    }

    static func unsupported(_ feature: String) -> TokenizerError {
        .unsupportedFeature(file: "tokenizer.json", feature: feature)
    }

    static let unsupportedCases: [([String], JSONValue?, TokenizerError)] = [
        (["normalizer"], ["type": "Lowercase"], unsupported("normalizer \"Lowercase\" (only NFC is implemented)")),
        (["model", "type"], "WordPiece", unsupported("model \"WordPiece\" (only BPE is implemented)")),
        (["model", "byte_fallback"], true, unsupported("BPE byte_fallback")),
        (["model", "dropout"], 0.1, unsupported("BPE dropout 0.1")),
        (["model", "continuing_subword_prefix"], "##", unsupported("BPE continuing_subword_prefix \"##\"")),
        (["pre_tokenizer", "pretokenizers", "0", "pattern", "Regex"], "\\s+",
         unsupported("the Split regex \"\\s+\" (only Qwen2's is implemented)")),
        (["pre_tokenizer", "pretokenizers", "1", "use_regex"], true, unsupported("ByteLevel use_regex (GPT-2's regex)")),
        (["pre_tokenizer"], ["type": "Whitespace"],
         unsupported("pre_tokenizer \"Whitespace\" (only Qwen2's Sequence of Split and ByteLevel is implemented)")),
        (["decoder"], ["type": "WordPiece"], unsupported("decoder \"WordPiece\" (only ByteLevel is implemented)")),
        (["post_processor"], ["type": "TemplateProcessing"],
         unsupported("post_processor \"TemplateProcessing\" (only ByteLevel is implemented)")),
        (["truncation"], ["max_length": 8], unsupported("\"truncation\" settings")),
        (["added_tokens", "1", "single_word"], true, unsupported("single_word on the added token \"<mask>\"")),
    ]

    @Test(arguments: unsupportedCases.indices)
    func unsupportedFeaturesAreNamed(index: Int) throws {
        let (path, value, expected) = Self.unsupportedCases[index]
        let json = try Self.tinyJSON(setting: path, to: value)
        #expect(throws: expected) { try Tokenizer(tokenizerJSON: json) }
    }

    @Test func invalidJSONIsMalformed() {
        #expect(throws: TokenizerError.malformed(file: "tokenizer.json", reason: "invalid JSON at line 1, column 2: expected a string key")) {
            try Tokenizer(tokenizerJSON: Array("{".utf8))
        }
    }

    @Test func mergeOfUnknownTokensIsMalformed() throws {
        let json = try Self.tinyJSON(setting: ["model", "merges", "0"], to: ["nope", "Ġ"])
        #expect(throws: TokenizerError.malformed(file: "tokenizer.json", reason: "merge 0 \"nope Ġ\" uses a token missing from model.vocab")) {
            try Tokenizer(tokenizerJSON: json)
        }
    }

    @Test func vocabularyWithoutEveryByteIsRefused() throws {
        let json = try Self.tinyJSON(setting: ["model", "vocab", "Ā"], to: nil)
        #expect(throws: Self.unsupported("a vocabulary without the byte-level token \"Ā\" (not byte-level BPE)")) {
            try Tokenizer(tokenizerJSON: json)
        }
    }

    @Test func missingFolderNamesTheFile() {
        #expect(throws: TokenizerError.fileUnreadable(path: "/nonexistent/tokenizer.json", reason: "no such file")) {
            try Tokenizer(directory: URL(fileURLWithPath: "/nonexistent"))
        }
    }

    @Test func configNamingAnUnknownEndTokenIsRefused() throws {
        let json = try Fixtures.bytes("tiny/tokenizer.json")
        #expect(throws: TokenizerError.unsupportedFeature(
            file: "tokenizer_config.json", feature: "eos_token \"<|im_end|>\", which tokenizer.json does not contain")) {
            try Tokenizer(tokenizerJSON: json, configJSON: Array(#"{"eos_token": "<|im_end|>"}"#.utf8))
        }
    }

    @Test func configTokenOfTheWrongTypeIsMalformed() throws {
        let json = try Fixtures.bytes("tiny/tokenizer.json")
        #expect(throws: TokenizerError.malformed(
            file: "tokenizer_config.json", reason: "pad_token must be a string, an object with \"content\", or null")) {
            try Tokenizer(tokenizerJSON: json, configJSON: Array(#"{"pad_token": 5}"#.utf8))
        }
    }
}
