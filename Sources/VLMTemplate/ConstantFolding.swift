/// jinja2's compile-time constant folding, reproduced because it is observable: jinja2 evaluates
/// constant subexpressions with `as_const` while compiling, and that path subscripts through the
/// sandbox's forgiving `getitem` even for slices (`{{ 5[1:] | length }}` is 0, not a TypeError).
/// A folded value replaces its node when Python could write it as a literal (`has_safe_repr`); a
/// `{{ ... }}` whose whole expression is constant is printed at compile time whatever its type.
struct ConstantFolder {
    /// Filters and tests run at compile time use a scratch interpreter (none of them reads its state).
    private let scratch = Interpreter(limits: RenderLimits(), clock: .system)

    /// jinja2 never folds the filters that take the render context.
    private static let contextFilters: Set<String> = ["map", "select", "reject", "selectattr", "rejectattr", "random"]

    func fold(_ statements: [Statement]) -> [Statement] {
        statements.map(fold)
    }

    func fold(_ body: ScopeBody) -> ScopeBody {
        ScopeBody(statements: fold(body.statements), names: body.names, assignedFirst: body.assignedFirst)
    }

    private func fold(_ statement: Statement) -> Statement {
        let kind: Statement.Kind
        switch statement.kind {
        case .text, .breakLoop, .continueLoop:
            return statement
        case .output(let expression):
            let folded = fold(expression)
            if case .literal = folded.kind {
                kind = .output(folded)
            } else if let value = constant(folded) {
                kind = .output(Expression(kind: .literal(.string(pythonStr(value))), location: folded.location))
            } else {
                kind = .output(folded)
            }
        case .conditional(let branches, let otherwise):
            kind = .conditional(branches: branches.map { (fold($0.test), fold($0.body)) }, otherwise: fold(otherwise))
        case .forLoop(let loop):
            kind = .forLoop(ForLoop(target: loop.target, iterable: fold(loop.iterable), condition: loop.condition.map(fold),
                                    body: fold(loop.body), otherwise: fold(loop.otherwise)))
        case .assign(let target, let value):
            kind = .assign(target, fold(value))
        case .assignBlock(let target, let filters, let body):
            kind = .assignBlock(target, filters: filters.map(fold), body: fold(body))
        case .macro(let macro):
            kind = .macro(fold(macro))
        case .callBlock(let caller, let call):
            kind = .callBlock(caller: fold(caller), call: fold(call))
        case .filterBlock(let filters, let body):
            kind = .filterBlock(filters.map(fold), body: fold(body))
        case .with(let bindings, let body):
            kind = .with(bindings: bindings.map { ($0.target, fold($0.value)) }, body: fold(body))
        case .scoped(let body):
            kind = .scoped(fold(body))
        }
        return Statement(kind: kind, location: statement.location)
    }

    private func fold(_ macro: MacroDefinition) -> MacroDefinition {
        MacroDefinition(name: macro.name, parameters: macro.parameters.map { ($0.name, $0.defaultValue.map(fold)) },
                        body: fold(macro.body), catchesVarargs: macro.catchesVarargs,
                        catchesKeywords: macro.catchesKeywords, catchesCaller: macro.catchesCaller)
    }

    private func fold(_ filter: FilterCall) -> FilterCall {
        var folded = filter
        folded.arguments = fold(filter.arguments)
        return folded
    }

    private func fold(_ arguments: Arguments) -> Arguments {
        Arguments(positional: arguments.positional.map(fold), keywords: arguments.keywords.map { ($0.name, fold($0.value)) },
                  spreadPositional: arguments.spreadPositional.map(fold), spreadKeywords: arguments.spreadKeywords.map(fold))
    }

    /// Folds the children, then the node itself when its value has a literal form.
    func fold(_ expression: Expression) -> Expression {
        let children = foldChildren(expression)
        if case .literal = children.kind { return children }
        guard let value = constant(children), hasSafeRepr(value) else { return children }
        return Expression(kind: .literal(value), location: expression.location)
    }

    private func foldChildren(_ expression: Expression) -> Expression {
        let kind: Expression.Kind
        switch expression.kind {
        case .literal, .name: return expression
        case .list(let items): kind = .list(items.map(fold))
        case .tuple(let items): kind = .tuple(items.map(fold))
        case .dict(let pairs): kind = .dict(pairs.map { (fold($0.key), fold($0.value)) })
        case .attribute(let base, let name): kind = .attribute(fold(base), name)
        case .item(let base, let index):
            if case .slice(let start, let stop, let step) = index.kind {
                let slice = Expression(kind: .slice(start: start.map(fold), stop: stop.map(fold), step: step.map(fold)),
                                       location: index.location)
                kind = .item(fold(base), slice)
            } else {
                kind = .item(fold(base), fold(index))
            }
        case .slice: return expression
        case .unary(let op, let operand): kind = .unary(op, fold(operand))
        case .binary(let op, let left, let right): kind = .binary(op, fold(left), fold(right))
        case .and(let left, let right): kind = .and(fold(left), fold(right))
        case .or(let left, let right): kind = .or(fold(left), fold(right))
        case .concat(let items): kind = .concat(items.map(fold))
        case .compare(let first, let operations): kind = .compare(fold(first), operations.map { ($0.op, fold($0.operand)) })
        case .conditional(let test, let then, let otherwise): kind = .conditional(test: fold(test), then: fold(then), otherwise: otherwise.map(fold))
        case .call(let callee, let arguments): kind = .call(fold(callee), fold(arguments))
        case .filter(let value, let filter): kind = .filter(value.map(fold), fold(filter))
        case .test(let value, let test): kind = .test(fold(value), TestCall(name: test.name, arguments: fold(test.arguments), isUnknownAtRuntime: test.isUnknownAtRuntime))
        }
        return Expression(kind: kind, location: expression.location)
    }

    /// jinja2's `as_const`: the value, or nil where it raises `Impossible` (or anything else).
    func constant(_ expression: Expression) -> TemplateValue? {
        switch expression.kind {
        case .literal(let value): return value
        case .name, .call, .slice: return nil
        case .list(let items): return constants(items).map { .list($0) }
        case .tuple(let items): return constants(items).map { .tuple($0) }
        case .dict(let pairs):
            var dict = TemplateDict()
            for pair in pairs {
                guard let key = constant(pair.key), let value = constant(pair.value), (try? dict.set(key, value)) != nil else { return nil }
            }
            return .dict(dict)
        case .attribute(let base, let name):
            return constant(base).flatMap { try? getAttribute($0, name) }
        case .item(let base, let index):
            guard let container = constant(base) else { return nil }
            if case .slice(let start, let stop, let step) = index.kind {
                guard let bounds = constants([start, stop, step].map { $0 ?? Expression(kind: .literal(.none), location: index.location) }) else { return nil }
                return forgivingSlice(container, bounds)
            }
            return constant(index).flatMap { try? getItem(container, $0) }
        case .unary(.not, let operand): return constant(operand).map { .bool(!$0.isTruthy) }
        case .unary(let op, let operand): return constant(operand).flatMap { try? Arithmetic.unary(op, $0) }
        case .binary(let op, let left, let right):
            guard let x = constant(left), let y = constant(right) else { return nil }
            return try? Arithmetic.binary(op, x, y)
        case .and(let left, let right):
            guard let x = constant(left) else { return nil }
            return x.isTruthy ? constant(right) : x
        case .or(let left, let right):
            guard let x = constant(left) else { return nil }
            return x.isTruthy ? x : constant(right)
        case .concat(let items): return constants(items).map { .string($0.map(pythonStr).joined()) }
        case .compare(let first, let operations):
            guard var left = constant(first) else { return nil }
            for operation in operations {
                guard let right = constant(operation.operand),
                      let holds = try? pythonCompare(left, operation.op, right) else { return nil }
                if !holds { return .bool(false) }
                left = right
            }
            return .bool(true)
        case .conditional(let test, let then, let otherwise):
            guard let condition = constant(test) else { return nil }
            if condition.isTruthy { return constant(then) }
            return otherwise.flatMap(constant)
        case .filter(let value, let filter):
            guard let value, !filter.isUnknownAtRuntime, !Self.contextFilters.contains(filter.name),
                  let subject = constant(value), let arguments = constants(filter.arguments) else { return nil }
            return try? scratch.callFilter(filter.name, subject, arguments)
        case .test(let value, let test):
            guard !test.isUnknownAtRuntime, let subject = constant(value), let arguments = constants(test.arguments) else { return nil }
            return (try? scratch.applyTest(test.name, subject, arguments)).map { .bool($0) }
        }
    }

    private func constants(_ expressions: [Expression]) -> [TemplateValue]? {
        var values: [TemplateValue] = []
        for expression in expressions {
            guard let value = constant(expression) else { return nil }
            values.append(value)
        }
        return values
    }

    private func constants(_ arguments: Arguments) -> CallArguments? {
        guard var positional = constants(arguments.positional) else { return nil }
        if let spread = arguments.spreadPositional {
            guard let value = constant(spread), let items = try? pythonIterate(value) else { return nil }
            positional += items
        }
        var keywords: [(name: String, value: TemplateValue)] = []
        for keyword in arguments.keywords {
            guard let value = constant(keyword.value) else { return nil }
            keywords.append((keyword.name, value))
        }
        if arguments.spreadKeywords != nil { return nil }
        return CallArguments(positional: positional, keywords: keywords)
    }

    /// The sandbox's `getitem(obj, slice)`: a TypeError becomes undefined; a bad step still raises.
    private func forgivingSlice(_ container: TemplateValue, _ bounds: [TemplateValue]) -> TemplateValue? {
        do {
            return try slice(container, start: bounds[0], stop: bounds[1], step: bounds[2])
        } catch let failure as RuntimeFailure where failure.kind == .type {
            let sliceRepr = "slice(\(bounds.map(pythonRepr).joined(separator: ", ")))"
            return .undefined(Undefined(hint: "\(container.objectTypeDescription) has no element \(sliceRepr)"))
        } catch {
            return nil
        }
    }
}

/// Python's `has_safe_repr`: values jinja2 may write into compiled code as literals.
private func hasSafeRepr(_ value: TemplateValue) -> Bool {
    switch value {
    case .none, .bool, .int, .double, .string: return true
    case .list(let items), .tuple(let items): return items.allSatisfy(hasSafeRepr)
    case .dict(let dict): return dict.keys.allSatisfy(hasSafeRepr) && dict.values.allSatisfy(hasSafeRepr)
    default: return false
    }
}
