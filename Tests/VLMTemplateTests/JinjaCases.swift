import Foundation
import VLMJSON
@testable import VLMTemplate

/// The goldens scripts/fixtures/template/make_fixtures.py writes with jinja2 (transformers' environment).
struct JinjaCase {
    let group: String
    let template: String
    let context: JSONObject
    let output: String?
    let error: JSONObject?
}

enum JinjaCases {
    static let directory: URL = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" && !FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
            url.deleteLastPathComponent()
        }
        return url.appendingPathComponent(".fixtures/template")
    }()

    /// All cases; throws (failing the test) when the fixture has not been generated.
    static func load() throws -> [JinjaCase] {
        let data = try Data(contentsOf: directory.appendingPathComponent("jinja_cases.json"))
        let root = try JSONParser.parse(data)
        let contexts = root["contexts"]?.objectValue ?? JSONObject()
        return (root["cases"]?.arrayValue ?? []).map { item in
            var context = item["context"]?.objectValue
            if let name = item["context"]?.stringValue { context = contexts[name]?.objectValue }
            return JinjaCase(group: item["group"]?.stringValue ?? "", template: item["template"]?.stringValue ?? "",
                             context: context ?? JSONObject(), output: item["output"]?.stringValue,
                             error: item["error"]?.objectValue)
        }
    }

    static func cases(inGroup prefix: String) throws -> [JinjaCase] {
        try load().filter { $0.group.hasPrefix(prefix) }
    }
}

/// Renders a case the way our chat path does: compile, then render with the JSON context.
func renderCase(_ testCase: JinjaCase) -> Result<String, TemplateError> {
    do {
        let template = try JinjaTemplate(testCase.template)
        return .success(try template.render(json: testCase.context))
    } catch let error as TemplateError {
        return .failure(error)
    } catch {
        return .failure(TemplateError(.limit, "unexpected error \(error)", at: SourceLocation(line: 0, column: 0)))
    }
}

/// A one-line description of how a case went wrong, or nil when it matched jinja2.
func mismatch(_ testCase: JinjaCase, compareErrorDetails: Bool) -> String? {
    let result = renderCase(testCase)
    switch (result, testCase.output, testCase.error) {
    case (.success(let text), let expected?, _):
        return text == expected ? nil : "output \(text.debugDescription) != jinja2 \(expected.debugDescription)"
    case (.failure(let error), _, let expected?):
        guard error.kind.rawValue == expected["kind"]?.stringValue else {
            return "error kind \(error.kind) (\(error.message)) != jinja2 \(expected["kind"]?.stringValue ?? "?")"
        }
        guard compareErrorDetails else { return nil }
        if let line = expected["line"]?.intValue, line != error.line { return "line \(error.line) != \(line)" }
        if let column = expected["column"]?.intValue, column != error.column { return "column \(error.column) != \(column)" }
        if let message = expected["message"]?.stringValue, message != error.message {
            return "message \(error.message.debugDescription) != jinja2 \(message.debugDescription)"
        }
        return nil
    case (.success(let text), nil, let expected?):
        return "rendered \(text.debugDescription) but jinja2 raised \(expected["kind"]?.stringValue ?? "?")"
    case (.failure(let error), _, nil):
        return "raised \(error) but jinja2 rendered \(testCase.output?.debugDescription ?? "")"
    default:
        return "malformed case"
    }
}
