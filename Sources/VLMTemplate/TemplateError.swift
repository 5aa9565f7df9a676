/// A 1-based line and column in the template source (columns count Unicode scalars, as Python does).
public struct SourceLocation: Equatable, Sendable, CustomStringConvertible {
    public let line: Int
    public let column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    public var description: String { "line \(line), column \(column)" }
}

/// Any failure to compile or render a chat template: what went wrong, which Python exception jinja2 would
/// have raised for it (`kind`), and where in the template.
public struct TemplateError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The jinja2 / Python exception family, so callers (and our differential tests) can tell a template
    /// bug from bad input.
    public enum Kind: String, Sendable {
        /// `TemplateSyntaxError` / `TemplateAssertionError`: the template does not compile.
        case syntax
        /// `UndefinedError`: an operation on an undefined value.
        case undefined
        /// `SecurityError`: something the immutable sandbox forbids (`list.append`, `_private` names).
        case security
        /// `TemplateError` from the template's own `raise_exception(...)`.
        case raised
        /// `TypeError`: an operation on values of the wrong type.
        case type
        /// `ValueError`: a well-typed value that is not acceptable (`int('x', 2)`, slice step 0).
        case value
        /// `ZeroDivisionError` / `OverflowError`.
        case arithmetic
        /// `TemplateRuntimeError`: assigning to a non-namespace, unknown filter inside an `if`.
        case runtime
        /// Our own guard against hostile templates (output size, loop count, recursion depth); jinja2 has
        /// no such limit.
        case limit
    }

    public let kind: Kind
    public let message: String
    public let location: SourceLocation

    public init(_ kind: Kind, _ message: String, at location: SourceLocation) {
        self.kind = kind
        self.message = message
        self.location = location
    }

    public var line: Int { location.line }
    public var column: Int { location.column }

    public var description: String {
        "chat template error at \(location): \(message)"
    }
}

/// A failure raised by a value operation that does not know where in the template it happened; the
/// interpreter turns it into a `TemplateError` at the innermost expression being evaluated.
struct RuntimeFailure: Error {
    let kind: TemplateError.Kind
    let message: String

    init(_ kind: TemplateError.Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    static func type(_ message: String) -> RuntimeFailure { RuntimeFailure(.type, message) }
    static func value(_ message: String) -> RuntimeFailure { RuntimeFailure(.value, message) }
}
