import Testing
@testable import VLMTemplate

/// Every golden rendered by jinja2 with transformers' environment must render identically here.
@Suite struct JinjaGoldenTests {
    private func expectAllMatch(_ group: String, compareErrorDetails: Bool = true) throws {
        let cases = try JinjaCases.cases(inGroup: group)
        #expect(!cases.isEmpty, "no \(group) cases in the fixture")
        var failures: [String] = []
        for testCase in cases {
            if let problem = mismatch(testCase, compareErrorDetails: compareErrorDetails) {
                failures.append("\(testCase.template.debugDescription): \(problem)")
            }
        }
        #expect(failures.isEmpty, "\(failures.count) of \(cases.count) \(group) cases differ from jinja2:\n\(failures.prefix(40).joined(separator: "\n"))")
    }

    @Test func whitespaceControlMatchesJinja2() throws { try expectAllMatch("whitespace") }

    @Test func expressionsMatchJinja2() throws { try expectAllMatch("expression") }

    @Test func filtersMatchJinja2() throws { try expectAllMatch("filter") }

    @Test func statementsMatchJinja2() throws { try expectAllMatch("statement") }

    @Test func realisticHuggingFaceStyleTemplatesMatchJinja2() throws { try expectAllMatch("realistic:") }

    /// Kind, line and message as jinja2 reports them; the column is ours (see error_cases.py).
    @Test func templateErrorsReportKindLineColumnAndMessage() throws { try expectAllMatch("error") }

    /// The seeded differential fuzz: the same output, or an error of the same kind.
    @Test func randomTemplatesMatchJinja2() throws { try expectAllMatch("fuzz", compareErrorDetails: false) }
}
