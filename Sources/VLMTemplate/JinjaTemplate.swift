import VLMJSON

/// A compiled chat template. Renders byte for byte as jinja2 does inside transformers'
/// `apply_chat_template` (ImmutableSandboxedEnvironment, `trim_blocks`, `lstrip_blocks`, loop controls,
/// the `generation` tag, and transformers' `tojson`, `raise_exception`, `strftime_now`).
///
/// Compile once, render many times; rendering is thread-safe.
// The syntax tree is immutable and its literals are plain values (never namespaces or functions).
public struct JinjaTemplate: @unchecked Sendable {
    private let body: ScopeBody

    /// Compiles a template; a syntax error throws a `TemplateError` with its line and column.
    public init(_ source: String) throws {
        body = ConstantFolder().fold(try Parser.parse(try Lexer.tokenize(source)))
    }

    /// Renders with these variables (on top of the globals).
    public func render(_ context: [String: TemplateValue], limits: RenderLimits = RenderLimits(),
                       clock: TemplateClock = .system) throws -> String
    {
        let interpreter = Interpreter(limits: limits, clock: clock)
        return try interpreter.render(body, globals: interpreter.globals(), context: context)
    }

    /// Renders with JSON variables (what a chat request or a config file provides).
    public func render(json context: JSONObject, limits: RenderLimits = RenderLimits(),
                       clock: TemplateClock = .system) throws -> String
    {
        var variables: [String: TemplateValue] = [:]
        for (key, value) in context { variables[key] = TemplateValue(json: value) }
        return try render(variables, limits: limits, clock: clock)
    }
}
