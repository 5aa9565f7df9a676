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
            collectNames(in: loop.body, into: &names)
            collectNames(in: loop.otherwise, into: &names)
        case .assign(_, let value):
            collectNames(in: value, into: &names)
        case .assignBlock(_, let filters, let body):
            filters.forEach { collectNames(in: $0.arguments, into: &names) }
            collectNames(in: body, into: &names)
        case .macro(let macro):
            macro.parameters.forEach { if let value = $0.defaultValue { collectNames(in: value, into: &names) } }
            collectNames(in: macro.body, into: &names)
        case .callBlock(let caller, let call):
            collectNames(in: caller.body, into: &names)
            collectNames(in: call, into: &names)
        case .filterBlock(let filters, let body):
            filters.forEach { collectNames(in: $0.arguments, into: &names) }
            collectNames(in: body, into: &names)
        case .with(let bindings, let body):
            bindings.forEach { collectNames(in: $0.value, into: &names) }
            collectNames(in: body, into: &names)
        case .scoped(let body):
            collectNames(in: body, into: &names)
        }
    }
}

private func collectNames(in arguments: Arguments, into names: inout Set<String>) {
    arguments.positional.forEach { collectNames(in: $0, into: &names) }
    arguments.keywords.forEach { collectNames(in: $0.value, into: &names) }
    if let spread = arguments.spreadPositional { collectNames(in: spread, into: &names) }
    if let spread = arguments.spreadKeywords { collectNames(in: spread, into: &names) }
}

private func collectNames(in expression: Expression, into names: inout Set<String>) {
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
