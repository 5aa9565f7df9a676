import Foundation
import Testing
import VLMChat

private let jinja = "chat_template.jinja"
private let processor = "chat_template.json"
private let tokenizer = "tokenizer_config.json"

private func withFolder<T>(_ files: [String: String], _ body: (String) throws -> T) throws -> T {
    let folder = try makeModelFolder(files)
    defer { try? FileManager.default.removeItem(at: folder) }
    return try body(folder.path)
}

private func loadError(_ files: [String: String], override: String? = nil) throws -> String? {
    try withFolder(files) { folder in
        do {
            _ = try ChatTemplateLoader.load(modelDirectory: folder, override: override)
            return nil
        } catch let error as ChatInputError {
            return error.message
        }
    }
}

@Suite struct ChatTemplateLoaderTests {
    @Test func chatTemplateJinjaComesFirst() throws {
        let source = try withFolder([jinja: "J", processor: #"{"chat_template": "P"}"#, tokenizer: #"{"chat_template": "T"}"#]) {
            try ChatTemplateLoader.load(modelDirectory: $0)
        }
        #expect(source == ChatTemplateSource(text: "J", origin: "chat_template.jinja"))
    }

    @Test func theProcessorTemplateComesBeforeTheTokenizers() throws {
        let source = try withFolder([processor: #"{"chat_template": "P"}"#, tokenizer: #"{"chat_template": "T"}"#]) {
            try ChatTemplateLoader.load(modelDirectory: $0)
        }
        #expect(source.text == "P")
    }

    @Test func withToolsTheTokenizersToolUseTemplateWins() throws {
        let files = [processor: #"{"chat_template": "P"}"#,
                     tokenizer: #"{"chat_template": [{"name": "default", "template": "D"}, {"name": "tool_use", "template": "TU"}]}"#]
        let source = try withFolder(files) { try ChatTemplateLoader.load(modelDirectory: $0, withTools: true) }
        #expect(source == ChatTemplateSource(text: "TU", origin: "tokenizer_config.json (tool_use)"))
    }

    @Test func namedTemplatesUseDefault() throws {
        let files = [tokenizer: #"{"chat_template": [{"name": "tool_use", "template": "TU"}, {"name": "default", "template": "D"}]}"#]
        let source = try withFolder(files) { try ChatTemplateLoader.load(modelDirectory: $0) }
        #expect(source.text == "D")
    }

    @Test func namedTemplatesWithoutDefaultAreAnError() throws {
        #expect(try loadError([tokenizer: #"{"chat_template": [{"name": "rag", "template": "R"}]}"#])
            == #"tokenizer_config.json has named chat templates (rag) but none called "default"; pass --chat-template"#)
    }

    @Test func aFolderWithoutTemplateIsAnError() throws {
        let message = try loadError([tokenizer: #"{"eos_token": "</s>"}"#])
        #expect(message?.hasSuffix("expected chat_template.jinja, chat_template.json or a chat_template in tokenizer_config.json (or pass --chat-template)") == true)
    }

    @Test func aMissingFolderIsAnError() throws {
        #expect(throws: ChatInputError("model folder not found: /nonexistent/model")) {
            try ChatTemplateLoader.load(modelDirectory: "/nonexistent/model")
        }
    }

    @Test func malformedJSONNamesTheFile() throws {
        #expect(try loadError([processor: "{oops"])?.hasPrefix("chat_template.json: invalid JSON at line 1, column 2") == true)
    }

    @Test func anOverrideFileReplacesTheModelsTemplate() throws {
        try withFolder([processor: #"{"chat_template": "P"}"#, "custom.jinja": "C {{ 1 }}"]) { folder in
            let source = try ChatTemplateLoader.load(modelDirectory: folder, override: folder + "/custom.jinja")
            #expect(source.text == "C {{ 1 }}")
        }
    }

    @Test func anOverrideMayBeTheTemplateTextItself() throws {
        let source = try withFolder([:]) { try ChatTemplateLoader.load(modelDirectory: $0, override: "{{ messages | length }}") }
        #expect(source == ChatTemplateSource(text: "{{ messages | length }}", origin: "the --chat-template text"))
    }

    @Test func anOverridePathThatDoesNotExistIsAnError() throws {
        #expect(try loadError([:], override: "/no/such/template.jinja") == "chat template file not found: /no/such/template.jinja")
    }
}
