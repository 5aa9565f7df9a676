/// The functions every chat template can call: jinja2's sandbox globals (`range`, `dict`, `namespace`)
/// and those transformers adds (`raise_exception`, `strftime_now`).

/// jinja2's sandbox refuses ranges longer than this.
let maximumRangeLength = 100_000

extension Interpreter {
    func globals() -> [String: TemplateValue] {
        [
            "range": .function(TemplateFunction(name: "safe_range", typeName: "function") { _, arguments in
                try rangeFunction(arguments)
            }),
            "dict": .function(TemplateFunction(name: "dict", typeName: "TemplateDict") { _, arguments in
                .dict(try dictionary(from: arguments, function: "dict"))
            }),
            "namespace": .function(TemplateFunction(name: "namespace", typeName: "type") { interpreter, arguments in
                let attributes = try dictionary(from: arguments, function: "namespace")
                for key in attributes.keys { if case .string(let name) = key { try checkNamespaceName(name) } }
                return .namespace(interpreter.makeNamespace(attributes))
            }),
            "raise_exception": .function(TemplateFunction(name: "raise_exception", typeName: "function") { _, arguments in
                let message = try arguments.bind("raise_exception", ["message"], required: 1)[0]!
                throw RuntimeFailure(.raised, pythonStr(message))
            }),
            "strftime_now": .function(TemplateFunction(name: "strftime_now", typeName: "function") { interpreter, arguments in
                let format = try arguments.bind("strftime_now", ["format"], required: 1)[0]!.requireString("format")
                return .string(strftime(format, interpreter.clock.now()))
            }),
        ]
    }
}

/// `range(stop)`, `range(start, stop[, step])` as a list.
private func rangeFunction(_ arguments: CallArguments) throws -> TemplateValue {
    guard arguments.keywords.isEmpty else { throw RuntimeFailure.type("range() takes no keyword arguments") }
    let values = try arguments.positional.map { value -> Int in
        switch value {
        case .int(let i): return i
        case .bool(let b): return b ? 1 : 0
        case .undefined(let u): throw u.failure
        default: throw RuntimeFailure.type("'\(value.typeName)' object cannot be interpreted as an integer")
        }
    }
    let (start, stop, step): (Int, Int, Int)
    switch values.count {
    case 1: (start, stop, step) = (0, values[0], 1)
    case 2: (start, stop, step) = (values[0], values[1], 1)
    case 3: (start, stop, step) = (values[0], values[1], values[2])
    default: throw RuntimeFailure.type("range expected at most 3 arguments, got \(values.count)")
    }
    guard step != 0 else { throw RuntimeFailure.value("range() arg 3 must not be zero") }
    let count = step > 0 ? (stop > start ? (stop - start - 1) / step + 1 : 0)
        : (start > stop ? (start - stop - 1) / (-step) + 1 : 0)
    guard count <= maximumRangeLength else {
        throw RuntimeFailure(.arithmetic, "Range too big. The sandbox blocks ranges larger than MAX_RANGE (\(maximumRangeLength)).")
    }
    return .list((0..<count).map { .int(start + $0 * step) })
}

/// `dict(mapping_or_pairs, **kwargs)`.
private func dictionary(from arguments: CallArguments, function: String) throws -> TemplateDict {
    guard arguments.positional.count <= 1 else {
        throw RuntimeFailure.type("\(function) expected at most 1 argument, got \(arguments.positional.count)")
    }
    var dict = TemplateDict()
    if let source = arguments.positional.first {
        switch source {
        case .dict(let existing):
            dict = existing
        default:
            for (index, pair) in try pythonIterate(source).enumerated() {
                let items = try pythonIterate(pair)
                guard items.count == 2 else {
                    throw RuntimeFailure.value("dictionary update sequence element #\(index) has length \(items.count); 2 is required")
                }
                try dict.set(items[0], items[1])
            }
        }
    }
    for (name, value) in arguments.keywords { dict.setString(name, value) }
    return dict
}
