/// jinja2's tests (`x is defined`, `x is string`, `x is divisibleby 3`, ...).

let testNames: Set<String> = [
    "odd", "even", "divisibleby", "defined", "undefined", "filter", "test", "none", "boolean", "false", "true",
    "integer", "float", "lower", "upper", "string", "mapping", "number", "sequence", "iterable", "callable",
    "sameas", "escaped", "in", "==", "eq", "equalto", "!=", "ne", ">", "gt", "greaterthan", "ge", ">=",
    "<", "lt", "lessthan", "<=", "le",
]

/// Tests that compare the value with one operand (`x is divisibleby 3`, `x is in seq`).
private let testsWithOperand: Set<String> = [
    "divisibleby", "sameas", "in", "==", "eq", "equalto", "!=", "ne", ">", "gt", "greaterthan", "ge", ">=",
    "<", "lt", "lessthan", "<=", "le",
]

extension Interpreter {
    func applyTest(_ name: String, _ value: TemplateValue, _ arguments: CallArguments) throws -> Bool {
        let takesOperand = testsWithOperand.contains(name)
        let given = arguments.positional.count + arguments.keywords.count
        if given > (takesOperand ? 1 : 0) {
            throw RuntimeFailure.type("the '\(name)' test takes \(takesOperand ? 1 : 0) argument(s) but \(given) were given")
        }
        func operand() throws -> TemplateValue {
            try arguments.bind(name, ["other"], required: 1)[0]!
        }
        /// Python's `value % 2 == remainder`.
        func parity(_ remainder: Int) throws -> Bool {
            pythonEquals(try Arithmetic.binary(.modulo, value, .int(2)), .int(remainder))
        }
        switch name {
        case "odd": return try parity(1)
        case "even": return try parity(0)
        case "divisibleby":
            return pythonEquals(try Arithmetic.binary(.modulo, value, try operand()), .int(0))
        case "defined": return !value.isUndefined
        case "undefined": return value.isUndefined
        case "filter":
            if case .string(let s) = value { return filterNames.contains(s) }
            return false
        case "test":
            if case .string(let s) = value { return testNames.contains(s) }
            return false
        case "none": return value.isNoneValue
        case "boolean", "true", "false":
            guard case .bool(let b) = value else { return false }
            return name == "boolean" || b == (name == "true")
        case "integer":
            if case .int = value { return true }
            return false
        case "float":
            if case .double = value { return true }
            return false
        case "lower", "upper":
            guard let function = stringMethod(pythonStr(value), "is\(name)") else { return false }
            return try call(.function(function), CallArguments()).isTruthy
        case "string":
            if case .string = value { return true }
            return false
        case "mapping":
            if case .dict = value { return true }
            return false
        case "number": return value.isNumber
        case "sequence":
            switch value {
            case .string, .list, .tuple, .dict, .undefined: return true
            default: return false
            }
        case "iterable":
            switch value {
            case .string, .list, .tuple, .dict, .dictView, .iterator, .undefined, .loop: return true
            default: return false
            }
        case "callable":
            switch value {
            case .function, .undefined, .loop: return true
            default: return false
            }
        case "sameas": return isSameObject(value, try operand())
        case "escaped": return false
        case "in": return try pythonContains(try operand(), value)
        case "==", "eq", "equalto": return pythonEquals(value, try operand())
        case "!=", "ne": return !pythonEquals(value, try operand())
        case ">", "gt", "greaterthan": return try pythonCompare(value, try operand(), .greater)
        case ">=", "ge": return try pythonCompare(value, try operand(), .greaterOrEqual)
        case "<", "lt", "lessthan": return try pythonCompare(value, try operand(), .less)
        case "<=", "le": return try pythonCompare(value, try operand(), .lessOrEqual)
        default: throw RuntimeFailure(.runtime, "No test named '\(name)' found.")
        }
    }
}

/// Python `is`: singletons and small integers (which CPython caches) by value, objects by identity.
private func isSameObject(_ a: TemplateValue, _ b: TemplateValue) -> Bool {
    switch (a, b) {
    case (.none, .none): return true
    case (.bool(let x), .bool(let y)): return x == y
    case (.int(let x), .int(let y)): return x == y && (-5...256).contains(x)
    case (.namespace(let x), .namespace(let y)): return x === y
    case (.function(let x), .function(let y)): return x === y
    case (.iterator(let x), .iterator(let y)): return x === y
    case (.loop(let x), .loop(let y)): return x === y
    default: return false
    }
}
