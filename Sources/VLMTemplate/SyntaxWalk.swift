extension ScopeBody {
    /// A scope's statements with jinja2's symbol analysis (idtracking) of its own level: which names it
    /// mentions, and which it first mentions by an unconditional assignment (not a read, not an
    /// assignment inside an `if`). Nested scopes (loop bodies, macros, `with`) are analysed on their own;
    /// `parameters` (loop targets, macro arguments) are bound on entry.
    init(_ statements: [Statement], parameters: Set<String>) {
        var seen = parameters
        var locals: [String] = []
        func load(_ expression: Expression) {
            collectNames(in: expression, into: &seen)
        }
        func store(_ target: AssignTarget, inBranch: Bool) {
            switch target {
            case .name(let name):
                if seen.insert(name).inserted && !inBranch { locals.append(name) }
            case .tuple(let items):
                items.forEach { store($0, inBranch: inBranch) }
            case .namespaceAttribute(let name, _):
                seen.insert(name)
            }
        }
        func visit(_ statements: [Statement], inBranch: Bool) {
            for statement in statements {
                switch statement.kind {
                case .text, .breakLoop, .continueLoop, .scoped: break
                case .output(let expression): load(expression)
                case .conditional(let branches, let otherwise):
                    for branch in branches {
                        load(branch.test)
                        visit(branch.body, inBranch: true)
                    }
                    visit(otherwise, inBranch: true)
                case .forLoop(let loop): load(loop.iterable)
                case .assign(let target, let value):
                    load(value)
                    store(target, inBranch: inBranch)
                case .assignBlock(let target, _, _): store(target, inBranch: inBranch)
                case .macro(let macro): store(.name(macro.name), inBranch: inBranch)
                case .callBlock(_, let call): load(call)
                case .filterBlock(let filters, _):
                    for filter in filters {
                        filter.arguments.positional.forEach(load)
                        filter.arguments.keywords.forEach { load($0.value) }
                    }
                case .with(let bindings, _): bindings.forEach { load($0.value) }
                }
            }
        }
        visit(statements, inBranch: false)
        self.init(statements: statements, names: seen, assignedFirst: locals)
    }
}

/// Every variable name the statements read, nested macros included (jinja2 decides from this whether a
/// macro accepts extra positional or keyword arguments and a `caller`).
func collectNames(in statements: [Statement], into names: inout Set<String>) {
    for statement in statements {
        switch statement.kind {
        case .text, .breakLoop, .continueLoop:
            break
        case .output(let expression):
            collectNames(in: expression, into: &names)
        case .conditional(let branches, let otherwise):
            for branch in branches {
                collectNames(in: branch.test, into: &names)
                collectNames(in: branch.body, into: &names)
            }
            collectNames(in: otherwise, into: &names)
        case .forLoop(let loop):
            collectNames(in: loop.iterable, into: &names)
            if let condition = loop.condition { collectNames(in: condition, into: &names) }
            collectNames(in: loop.body.statements, into: &names)
            collectNames(in: loop.otherwise.statements, into: &names)
        case .assign(_, let value):
            collectNames(in: value, into: &names)
        case .assignBlock(_, let filters, let body):
            filters.forEach { collectNames(in: $0.arguments, into: &names) }
            collectNames(in: body.statements, into: &names)
        case .macro(let macro):
            macro.parameters.forEach { if let value = $0.defaultValue { collectNames(in: value, into: &names) } }
            collectNames(in: macro.body.statements, into: &names)
        case .callBlock(let caller, let call):
            collectNames(in: caller.body.statements, into: &names)
            collectNames(in: call, into: &names)
        case .filterBlock(let filters, let body):
            filters.forEach { collectNames(in: $0.arguments, into: &names) }
            collectNames(in: body.statements, into: &names)
        case .with(let bindings, let body):
            bindings.forEach { collectNames(in: $0.value, into: &names) }
            collectNames(in: body.statements, into: &names)
        case .scoped(let body):
            collectNames(in: body.statements, into: &names)
        }
    }
}

private func collectNames(in arguments: Arguments, into names: inout Set<String>) {
    arguments.positional.forEach { collectNames(in: $0, into: &names) }
    arguments.keywords.forEach { collectNames(in: $0.value, into: &names) }
    if let spread = arguments.spreadPositional { collectNames(in: spread, into: &names) }
    if let spread = arguments.spreadKeywords { collectNames(in: spread, into: &names) }
}

func collectNames(in expression: Expression, into names: inout Set<String>) {
    switch expression.kind {
    case .literal:
        break
    case .name(let name):
        names.insert(name)
    case .list(let items), .tuple(let items), .concat(let items):
        items.forEach { collectNames(in: $0, into: &names) }
    case .dict(let pairs):
        for pair in pairs {
            collectNames(in: pair.key, into: &names)
            collectNames(in: pair.value, into: &names)
        }
    case .attribute(let base, _), .unary(_, let base):
        collectNames(in: base, into: &names)
    case .item(let base, let index), .binary(_, let base, let index), .and(let base, let index), .or(let base, let index):
        collectNames(in: base, into: &names)
        collectNames(in: index, into: &names)
    case .slice(let start, let stop, let step):
        for part in [start, stop, step] { if let part { collectNames(in: part, into: &names) } }
    case .compare(let left, let operations):
        collectNames(in: left, into: &names)
        operations.forEach { collectNames(in: $0.operand, into: &names) }
    case .conditional(let test, let then, let otherwise):
        collectNames(in: test, into: &names)
        collectNames(in: then, into: &names)
        if let otherwise { collectNames(in: otherwise, into: &names) }
    case .call(let callee, let arguments):
        collectNames(in: callee, into: &names)
        collectNames(in: arguments, into: &names)
    case .filter(let value, let filter):
        if let value { collectNames(in: value, into: &names) }
        collectNames(in: filter.arguments, into: &names)
    case .test(let value, let test):
        collectNames(in: value, into: &names)
        collectNames(in: test.arguments, into: &names)
    }
}
