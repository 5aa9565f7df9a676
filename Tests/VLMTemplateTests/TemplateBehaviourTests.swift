import Foundation
import Testing
import VLMJSON
@testable import VLMTemplate

private func render(_ source: String, _ context: [String: TemplateValue] = [:], limits: RenderLimits = RenderLimits()) throws -> String {
    try JinjaTemplate(source).render(context, limits: limits)
}

private func failure(_ source: String, limits: RenderLimits = RenderLimits()) -> TemplateError? {
    do {
        _ = try render(source, limits: limits)
        return nil
    } catch {
        return error as? TemplateError
    }
}

@Suite struct TemplateBehaviourTests {
    /// `strftime_now` formats as Python's `datetime.strftime` does (goldens from Python, fixed clock).
    @Test func strftimeNowMatchesPython() throws {
        let data = try Data(contentsOf: JinjaCases.directory.appendingPathComponent("jinja_cases.json"))
        let cases = try #require(try JSONParser.parse(data)["strftime"]?.arrayValue)
        #expect(!cases.isEmpty)
        for testCase in cases {
            let parts = (testCase["time"]?.arrayValue ?? []).compactMap(\.intValue)
            let time = LocalDateTime(year: parts[0], month: parts[1], day: parts[2], hour: parts[3], minute: parts[4],
                                     second: parts[5], microsecond: parts[6])
            let format = testCase["format"]?.stringValue ?? ""
            let text = try JinjaTemplate("{{ strftime_now(f) }}").render(["f": .string(format)], clock: TemplateClock { time })
            #expect(text == testCase["expected"]?.stringValue, "\(format) at \(parts)")
        }
    }

    @Test func localTimeIsBrokenDownInTheGivenZone() throws {
        let zone = try #require(TimeZone(identifier: "Asia/Tokyo"))
        let time = LocalDateTime(Date(timeIntervalSince1970: 1_721_998_985.25), in: zone)
        #expect(time == LocalDateTime(year: 2024, month: 7, day: 26, hour: 22, minute: 3, second: 5, microsecond: 250_000))
    }

    @Test func outputBeyondTheLimitIsRefused() {
        let error = failure("{% for i in range(100) %}{{ 'x' * 100 }}{% endfor %}", limits: RenderLimits(maximumOutputBytes: 1000))
        #expect(error?.kind == .limit)
        #expect(error?.message == "rendered output exceeds 1000 bytes")
    }

    @Test func loopIterationsBeyondTheLimitAreRefused() {
        let error = failure("{% for i in range(1000) %}{% for j in range(1000) %}{% endfor %}{% endfor %}",
                            limits: RenderLimits(maximumIterations: 5000))
        #expect(error?.kind == .limit)
    }

    @Test func unboundedMacroRecursionIsRefused() {
        let error = failure("{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}")
        #expect(error?.kind == .limit)
        #expect(error?.message == "macro calls nested deeper than 200")
    }

    @Test func hugeRepetitionIsRefusedBeforeAllocating() {
        #expect(failure("{{ 'x' * 10000000000 }}")?.kind == .limit)
    }

    @Test func deeplyNestedExpressionsFailCleanly() {
        let source = "{{ " + String(repeating: "(", count: 5000) + "1" + String(repeating: ")", count: 5000) + " }}"
        #expect(failure(source)?.kind == .limit)
    }

    @Test func integersBeyondSixtyFourBitsAreAnErrorNotAWrongAnswer() {
        #expect(failure("{{ 2 ** 70 }}")?.kind == .limit)
    }

    @Test func breakOutsideALoopDoesNotCompile() {
        #expect(failure("{% if true %}{% break %}{% endif %}") == TemplateError(.syntax, "'break' outside loop", at: SourceLocation(line: 1, column: 17)))
    }

    @Test func recursiveLoopsAreRefusedClearly() {
        #expect(failure("{% for x in xs recursive %}{% endfor %}")?.message == "recursive loops are not supported in chat templates")
    }

    @Test func loaderTagsAreRefusedClearly() {
        #expect(failure("{% include 'other.jinja' %}")?.message
            == "the 'include' tag is not supported in chat templates (there is no template loader)")
    }

    @Test func htmlFiltersWeDoNotImplementSayWhich() {
        #expect(failure("{{ 'a' | urlize }}") == TemplateError(.runtime, "the 'urlize' filter is not supported in chat templates",
                                                               at: SourceLocation(line: 1, column: 10)))
    }

    @Test func aCompiledTemplateRendersConcurrently() async throws {
        let template = try JinjaTemplate("{% for i in range(n) %}{{ i }},{% endfor %}")
        let outputs = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<8 { group.addTask { try template.render(["n": .int(50)]) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(Set(outputs).count == 1)
    }

    @Test func jsonContextKeepsObjectKeyOrder() throws {
        let context = try #require(try JSONParser.parse(#"{"d": {"z": 1, "a": 2, "m": 3}}"#).objectValue)
        #expect(try JinjaTemplate("{% for k in d %}{{ k }}{% endfor %}").render(json: context) == "zam")
    }

    @Test func errorsDescribeTheirPosition() {
        let error = TemplateError(.undefined, "'x' is undefined", at: SourceLocation(line: 3, column: 7))
        #expect(error.description == "chat template error at line 3, column 7: 'x' is undefined")
    }
}
