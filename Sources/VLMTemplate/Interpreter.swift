/// Bounds on a render that jinja2 does not have, so a hostile template cannot exhaust memory or time.
public struct RenderLimits: Sendable {
    public var maximumOutputBytes: Int
    /// Loop iterations over the whole render.
    public var maximumIterations: Int
    /// Nested macro calls (Python's recursion limit plays this role in jinja2).
    public var maximumCallDepth: Int

    public init(maximumOutputBytes: Int = 1 << 30, maximumIterations: Int = 10_000_000, maximumCallDepth: Int = 200) {
        self.maximumOutputBytes = maximumOutputBytes
        self.maximumIterations = maximumIterations
        self.maximumCallDepth = maximumCallDepth
    }
}

/// Runs a parsed template: statements here, expressions in Evaluator.swift. One interpreter renders once.
final class Interpreter {
    let limits: RenderLimits
    let clock: TemplateClock
    var output = ""
    var iterations = 0
    var callDepth = 0
    /// Where a render can make reference cycles, broken when it ends: frames holding a macro that
    /// closes over them, and namespaces given a value that is not a plain scalar (which could hold them).
    private var macroScopes: [Frame] = []
    private var namespacesHoldingObjects: [Namespace] = []

    init(limits: RenderLimits, clock: TemplateClock) {
        self.limits = limits
        self.clock = clock
    }

    enum Flow { case normal, breakLoop, continueLoop }

    func render(_ body: ScopeBody, globals: [String: TemplateValue], context: [String: TemplateValue]) throws -> String {
        let globalFrame = Frame(parent: nil)
        globalFrame.variables = globals
        let contextFrame = Frame(parent: globalFrame)
        contextFrame.variables = context
        defer {
            for frame in macroScopes { frame.variables.removeAll() }
            for namespace in namespacesHoldingObjects { namespace.attributes = TemplateDict() }
        }
        _ = try run(body, in: Frame(parent: contextFrame))
        return output
    }

    /// Runs a scope's statements in `frame` (a fresh frame for that scope) after declaring the undefined
    /// locals jinja2 gives it: names assigned before any read that no enclosing scope mentions.
    func run(_ body: ScopeBody, in frame: Frame) throws -> Flow {
        frame.scopeNames = body.names
        for name in body.assignedFirst where frame.variables[name] == nil && !frame.enclosingScopesMention(name) {
            frame.variables[name] = .undefined(name)
        }
        return try execute(body.statements, in: frame)
    }

    func makeNamespace(_ attributes: TemplateDict) -> Namespace {
        let namespace = Namespace(attributes: attributes)
        if attributes.values.contains(where: { !$0.isPlainScalar }) { namespacesHoldingObjects.append(namespace) }
        return namespace
    }

    func write(_ text: String, at location: SourceLocation) throws {
        output += text
        if output.utf8.count > limits.maximumOutputBytes {
            throw TemplateError(.limit, "rendered output exceeds \(limits.maximumOutputBytes) bytes", at: location)
        }
    }

    /// Renders `body` into a string of its own (macro calls, `{% set %}` blocks, `{% filter %}`).
    func capture(_ body: ScopeBody, in frame: Frame) throws -> String {
        let saved = output
        output = ""
        defer { output = saved }
        _ = try run(body, in: frame)
        return output
    }

    func execute(_ statements: [Statement], in frame: Frame) throws -> Flow {
        for statement in statements {
            let flow = try execute(statement, in: frame)
            if flow != .normal { return flow }
        }
        return .normal
    }

    /// Runs one statement; a failure no expression claimed is reported at the statement.
    private func execute(_ statement: Statement, in frame: Frame) throws -> Flow {
        try located(statement.location) { try executeUnlocated(statement, in: frame) }
    }

    private func executeUnlocated(_ statement: Statement, in frame: Frame) throws -> Flow {
        switch statement.kind {
        case .text(let text):
            try write(text, at: statement.location)
        case .output(let expression):
            try write(pythonStr(try evaluate(expression, in: frame)), at: statement.location)
        case .conditional(let branches, let otherwise):
            for branch in branches where try evaluate(branch.test, in: frame).isTruthy {
                return try execute(branch.body, in: frame)
            }
            return try execute(otherwise, in: frame)
        case .forLoop(let loop):
            try runLoop(loop, in: frame)
        case .assign(let target, let expression):
            try assign(try evaluate(expression, in: frame), to: target, in: frame, at: statement.location)
        case .assignBlock(let target, let filters, let body):
            var value = TemplateValue.string(try capture(body, in: Frame(parent: frame)))
            for filter in filters { value = try applyFilter(filter, to: value, in: frame) }
            try assign(value, to: target, in: frame, at: statement.location)
        case .macro(let macro):
            frame.variables[macro.name] = .function(TemplateFunction(macro: macro, scope: frame))
            macroScopes.append(frame)
        case .callBlock(let caller, let call):
            let callerFunction = TemplateValue.function(TemplateFunction(macro: caller, scope: frame))
            let result = try evaluateCall(call, in: frame, caller: callerFunction)
            try write(pythonStr(result), at: statement.location)
        case .filterBlock(let filters, let body):
            var value = TemplateValue.string(try capture(body, in: Frame(parent: frame)))
            for filter in filters { value = try applyFilter(filter, to: value, in: frame) }
            try write(pythonStr(value), at: statement.location)
        case .with(let bindings, let body):
            let values = try bindings.map { try evaluate($0.value, in: frame) }
            let inner = Frame(parent: frame)
            for (binding, value) in zip(bindings, values) {
                try assign(value, to: binding.target, in: inner, at: binding.value.location)
            }
            return try run(body, in: inner)
        case .scoped(let body):
            return try run(body, in: Frame(parent: frame))
        case .breakLoop:
            return .breakLoop
        case .continueLoop:
            return .continueLoop
        }
        return .normal
    }

    private func runLoop(_ loop: ForLoop, in frame: Frame) throws {
        var items = try located(loop.iterable.location) { try pythonIterate(try evaluate(loop.iterable, in: frame)) }
        if let condition = loop.condition {
            items = try items.filter { item in
                let test = Frame(parent: frame)
                try assign(item, to: loop.target, in: test, at: loop.iterable.location)
                return try evaluate(condition, in: test).isTruthy
            }
        }
        // jinja2 runs `else` unless some iteration reached the end of the body: an empty loop, or one
        // whose every iteration ended in `continue` or `break`.
        var completedAnIteration = false
        let context = LoopContext(items: items)
        for (index, item) in items.enumerated() {
            iterations += 1
            if iterations > limits.maximumIterations {
                throw TemplateError(.limit, "more than \(limits.maximumIterations) loop iterations", at: loop.iterable.location)
            }
            context.index0 = index
            let body = Frame(parent: frame)
            try assign(item, to: loop.target, in: body, at: loop.iterable.location)
            body.variables["loop"] = .loop(context)
            let flow = try run(loop.body, in: body)
            if flow == .breakLoop { break }
            if flow == .normal { completedAnIteration = true }
        }
        if !completedAnIteration { _ = try run(loop.otherwise, in: Frame(parent: frame)) }
    }

    func assign(_ value: TemplateValue, to target: AssignTarget, in frame: Frame, at location: SourceLocation) throws {
        switch target {
        case .name(let name):
            frame.variables[name] = value
        case .tuple(let targets):
            let items: [TemplateValue] = try located(location) {
                do {
                    return try pythonIterate(value)
                } catch let failure as RuntimeFailure where failure.kind == .type {
                    throw RuntimeFailure.type("cannot unpack non-iterable \(value.typeName) object")
                }
            }
            guard items.count == targets.count else {
                let message = items.count < targets.count
                    ? "not enough values to unpack (expected \(targets.count), got \(items.count))"
                    : "too many values to unpack (expected \(targets.count))"
                throw TemplateError(.value, message, at: location)
            }
            for (item, inner) in zip(items, targets) { try assign(item, to: inner, in: frame, at: location) }
        case .namespaceAttribute(let name, let attribute):
            guard case .namespace(let namespace)? = frame.lookup(name) else {
                throw TemplateError(.runtime, "cannot assign attribute on non-namespace object", at: location)
            }
            try located(location) { try checkNamespaceName(attribute) }
            namespace.attributes.setString(attribute, value)
            if !value.isPlainScalar { namespacesHoldingObjects.append(namespace) }
        }
    }

    /// Runs `body`, giving any location-less failure the location it happened at.
    func located<T>(_ location: SourceLocation, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let failure as RuntimeFailure {
            throw TemplateError(failure.kind, failure.message, at: location)
        }
    }
}

/// transformers' namespaces refuse underscore-prefixed attributes (sandbox escapes).
func checkNamespaceName(_ name: String) throws {
    if name.hasPrefix("_") {
        throw RuntimeFailure(.security, "Chat templates cannot store underscore-prefixed attributes on a namespace, but got \(pythonRepr(string: name)). Please rename the attribute.")
    }
}
