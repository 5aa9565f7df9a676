/// The parsed template: statements and expressions, each with the location errors are reported at.

struct Expression {
    indirect enum Kind {
        case literal(TemplateValue)
        case name(String)
        case list([Expression])
        case tuple([Expression])
        case dict([(key: Expression, value: Expression)])
        case attribute(Expression, String)
        case item(Expression, Expression)
        /// `a[start:stop:step]`; only ever the index of an `.item`.
        case slice(start: Expression?, stop: Expression?, step: Expression?)
        case unary(UnaryOperator, Expression)
        case binary(BinaryOperator, Expression, Expression)
        case and(Expression, Expression)
        case or(Expression, Expression)
        case concat([Expression])
        /// `a < b <= c`: Python's chained comparison.
        case compare(Expression, [(op: CompareOperator, operand: Expression)])
        case conditional(test: Expression, then: Expression, otherwise: Expression?)
        case call(Expression, Arguments)
        /// `value | name(args)`; the value is nil for the body of a `{% filter %}` block.
        case filter(Expression?, FilterCall)
        case test(Expression, TestCall)
    }

    let kind: Kind
    let location: SourceLocation
}

enum UnaryOperator { case negate, plus, not }

enum BinaryOperator: String {
    case add = "+", subtract = "-", multiply = "*", divide = "/", floorDivide = "//", modulo = "%", power = "**"
}

enum CompareOperator: String {
    case equal = "==", notEqual = "!=", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
    case contains = "in", notContains = "not in"
}

struct Arguments {
    var positional: [Expression] = []
    var keywords: [(name: String, value: Expression)] = []
    /// `*args` and `**kwargs` in a call.
    var spreadPositional: Expression?
    var spreadKeywords: Expression?
}

struct FilterCall {
    let name: String
    var arguments: Arguments
    let location: SourceLocation
    /// An unknown filter inside an `if` or inline-if only fails when it runs (jinja2 3.x).
    var isUnknownAtRuntime = false
}

struct TestCall {
    let name: String
    let arguments: Arguments
    var isUnknownAtRuntime = false
}

indirect enum AssignTarget {
    case name(String)
    case tuple([AssignTarget])
    /// `{% set ns.attr = ... %}`
    case namespaceAttribute(String, String)
}

/// The statements of a construct that runs in a scope of its own (the template, a loop iteration, a
/// macro call, `with`...), with jinja2's compile-time symbol facts about that scope's own level.
struct ScopeBody {
    let statements: [Statement]
    /// Every name read, assigned or bound as a parameter at this level (not in nested scopes).
    let names: Set<String>
    /// Names assigned here before any read. Unless an enclosing scope also mentions them, jinja2 makes
    /// them undefined locals from the scope's start, hiding same-named values from the render context.
    let assignedFirst: [String]
}

struct MacroDefinition {
    let name: String
    let parameters: [(name: String, defaultValue: Expression?)]
    let body: ScopeBody
    /// Whether the body reads `varargs`, `kwargs` or `caller`: jinja2 only accepts extra arguments then.
    let catchesVarargs: Bool
    let catchesKeywords: Bool
    let catchesCaller: Bool
}

struct ForLoop {
    let target: AssignTarget
    let iterable: Expression
    let condition: Expression?
    let body: ScopeBody
    let otherwise: ScopeBody
}

struct Statement {
    indirect enum Kind {
        case text(String)
        case output(Expression)
        case conditional(branches: [(test: Expression, body: [Statement])], otherwise: [Statement])
        case forLoop(ForLoop)
        case assign(AssignTarget, Expression)
        case assignBlock(AssignTarget, filters: [FilterCall], body: ScopeBody)
        case macro(MacroDefinition)
        /// `{% call(params) macro(args) %}body{% endcall %}`: the body becomes `caller`.
        case callBlock(caller: MacroDefinition, call: Expression)
        case filterBlock([FilterCall], body: ScopeBody)
        case with(bindings: [(target: AssignTarget, value: Expression)], body: ScopeBody)
        /// transformers' `{% generation %}` marker: its body renders in place, in its own scope.
        case scoped(ScopeBody)
        case breakLoop
        case continueLoop
    }

    let kind: Kind
    let location: SourceLocation
}
