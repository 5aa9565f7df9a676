extension Expression {
    /// A number below zero can only be a literal after constant folding (the lexer has no negative literals).
    var isFoldedNegativeNumber: Bool {
        switch kind {
        case .literal(.int(let i)): return i < 0 && i != Int.min
        case .literal(.double(let d)): return d.sign == .minus && !d.isNaN
        default: return false
        }
    }
}

/// Expression evaluation, calls and macros.
extension Interpreter {
    /// Evaluates an expression; a failure inside takes the location of the innermost expression.
    func evaluate(_ expression: Expression, in frame: Frame) throws -> TemplateValue {
        do {
            return try evaluateUnlocated(expression, in: frame)
        } catch let failure as RuntimeFailure {
            throw TemplateError(failure.kind, failure.message, at: expression.location)
        }
    }

    private func evaluateUnlocated(_ expression: Expression, in frame: Frame) throws -> TemplateValue {
        switch expression.kind {
        case .literal(let value):
            return value
        case .name(let name):
            return frame.lookup(name) ?? .undefined(name)
        case .list(let items):
            return .list(try items.map { try evaluate($0, in: frame) })
        case .tuple(let items):
            return .tuple(try items.map { try evaluate($0, in: frame) })
        case .dict(let pairs):
            var dict = TemplateDict()
            for pair in pairs {
                let key = try evaluate(pair.key, in: frame)
                let value = try evaluate(pair.value, in: frame)
                try dict.set(key, value)
            }
            return .dict(dict)
        case .attribute(let base, let name):
            return try getAttribute(try evaluate(base, in: frame), name)
        case .item(let base, let index):
            let container = try evaluate(base, in: frame)
            if case .slice(let start, let stop, let step) = index.kind {
                if case .undefined(let u) = container { throw u.failure }
                let bounds = try [start, stop, step].map { try $0.map { try evaluate($0, in: frame) } ?? .none }
                return try slice(container, start: bounds[0], stop: bounds[1], step: bounds[2])
            }
            return try getItem(container, try evaluate(index, in: frame))
        case .slice:
            throw RuntimeFailure.type("a slice is only valid inside []")
        case .unary(.not, let operand):
            return .bool(!(try evaluate(operand, in: frame).isTruthy))
        case .unary(let op, let operand):
            return try Arithmetic.unary(op, try evaluate(operand, in: frame))
        case .binary(let op, let left, let right):
            if op == .power, left.isFoldedNegativeNumber, case .literal(let value) = left.kind {
                // jinja2 writes a folded negative constant into its generated Python without parentheses,
                // so `-2 ** x` (x not constant) runs as Python's `-(2 ** x)`.
                let magnitude = try Arithmetic.unary(.negate, value)
                return try Arithmetic.unary(.negate, try Arithmetic.binary(.power, magnitude, try evaluate(right, in: frame)))
            }
            let leftValue = try evaluate(left, in: frame)
            return try Arithmetic.binary(op, leftValue, try evaluate(right, in: frame))
        case .and(let left, let right):
            let leftValue = try evaluate(left, in: frame)
            return leftValue.isTruthy ? try evaluate(right, in: frame) : leftValue
        case .or(let left, let right):
            let leftValue = try evaluate(left, in: frame)
            return leftValue.isTruthy ? leftValue : try evaluate(right, in: frame)
        case .concat(let items):
            return .string(try items.map { pythonStr(try evaluate($0, in: frame)) }.joined())
        case .compare(let first, let operations):
            var left = try evaluate(first, in: frame)
            for operation in operations {
                let right = try evaluate(operation.operand, in: frame)
                guard try pythonCompare(left, operation.op, right) else { return .bool(false) }
                left = right
            }
            return .bool(true)
        case .conditional(let test, let then, let otherwise):
            if try evaluate(test, in: frame).isTruthy { return try evaluate(then, in: frame) }
            if let otherwise { return try evaluate(otherwise, in: frame) }
            return .undefined(Undefined(hint: "the inline if-expression on line \(expression.location.line) evaluated to false and no else section was defined."))
        case .call:
            return try evaluateCall(expression, in: frame, caller: nil)
        case .filter(let value, let filter):
            guard let value else { throw RuntimeFailure.type("a filter needs a value") }
            return try applyFilter(filter, to: try evaluate(value, in: frame), in: frame)
        case .test(let value, let test):
            let subject = try evaluate(value, in: frame)
            let arguments = try evaluateArguments(test.arguments, in: frame)
            if test.isUnknownAtRuntime { throw RuntimeFailure(.runtime, "No test named '\(test.name)' found.") }
            return .bool(try applyTest(test.name, subject, arguments))
        }
    }

    func evaluateArguments(_ arguments: Arguments, in frame: Frame) throws -> CallArguments {
        var result = CallArguments()
        result.positional = try arguments.positional.map { try evaluate($0, in: frame) }
        if let spread = arguments.spreadPositional {
            result.positional += try located(spread.location) { try pythonIterate(try evaluate(spread, in: frame)) }
        }
        result.keywords = try arguments.keywords.map { ($0.name, try evaluate($0.value, in: frame)) }
        if let spread = arguments.spreadKeywords {
            guard case .dict(let dict) = try evaluate(spread, in: frame) else {
                throw TemplateError(.type, "argument after ** must be a mapping", at: spread.location)
            }
            for (key, value) in zip(dict.keys, dict.values) {
                guard case .string(let name) = key else {
                    throw TemplateError(.type, "keywords must be strings", at: spread.location)
                }
                result.keywords.append((name, value))
            }
        }
        return result
    }

    func applyFilter(_ filter: FilterCall, to value: TemplateValue, in frame: Frame) throws -> TemplateValue {
        let arguments = try evaluateArguments(filter.arguments, in: frame)
        return try located(filter.location) {
            if filter.isUnknownAtRuntime { throw RuntimeFailure(.runtime, "No filter named '\(filter.name)' found.") }
            return try callFilter(filter.name, value, arguments)
        }
    }

    /// A call expression; a `{% call %}` block passes its body as `caller`.
    func evaluateCall(_ expression: Expression, in frame: Frame, caller: TemplateValue?) throws -> TemplateValue {
        guard case .call(let calleeExpression, let argumentExpressions) = expression.kind else {
            throw TemplateError(.syntax, "expected call", at: expression.location)
        }
        let callee = try evaluate(calleeExpression, in: frame)
        var arguments = try evaluateArguments(argumentExpressions, in: frame)
        if let caller { arguments.keywords.append(("caller", caller)) }
        return try located(expression.location) { try call(callee, arguments) }
    }

    func call(_ callee: TemplateValue, _ arguments: CallArguments) throws -> TemplateValue {
        switch callee {
        case .function(let function):
            switch function.body {
            case .macro(let macro, let scope): return try callMacro(macro, scope: scope, arguments)
            case .builtin(let body): return try body(self, arguments)
            }
        case .undefined(let undefined):
            throw undefined.failure
        default:
            throw RuntimeFailure.type("'\(callee.typeName)' object is not callable")
        }
    }

    /// jinja2's `Macro.__call__`: positional arguments fill parameters in order, then keywords; leftovers
    /// go to `varargs`/`kwargs` only when the body reads them.
    private func callMacro(_ macro: MacroDefinition, scope: Frame, _ arguments: CallArguments) throws -> TemplateValue {
        callDepth += 1
        defer { callDepth -= 1 }
        if callDepth > limits.maximumCallDepth {
            throw RuntimeFailure(.limit, "macro calls nested deeper than \(limits.maximumCallDepth)")
        }
        let frame = Frame(parent: scope)
        var keywords = arguments.keywords
        func takeKeyword(_ name: String) -> TemplateValue? {
            guard let index = keywords.firstIndex(where: { $0.name == name }) else { return nil }
            return keywords.remove(at: index).value
        }
        let parameterCount = macro.parameters.count
        var values: [TemplateValue?] = Array(arguments.positional.prefix(parameterCount))
        var foundCaller = macro.parameters.contains { $0.name == "caller" }
        if values.count != parameterCount {
            foundCaller = false
            for parameter in macro.parameters[values.count...] {
                values.append(takeKeyword(parameter.name))
                if parameter.name == "caller" { foundCaller = true }
            }
        }
        if macro.catchesCaller && !foundCaller {
            frame.variables["caller"] = takeKeyword("caller")
                ?? .undefined(Undefined(hint: "No caller defined"))
        }
        if macro.catchesKeywords {
            var dict = TemplateDict()
            for (name, value) in keywords { dict.setString(name, value) }
            frame.variables["kwargs"] = .dict(dict)
        } else if let first = keywords.first {
            if keywords.contains(where: { $0.name == "caller" }) {
                throw RuntimeFailure.type("macro '\(macro.name)' was invoked with two values for the special caller argument. This is most likely a bug.")
            }
            throw RuntimeFailure.type("macro \(pythonRepr(string: macro.name)) takes no keyword argument \(pythonRepr(string: first.name))")
        }
        if macro.catchesVarargs {
            frame.variables["varargs"] = .tuple(Array(arguments.positional.dropFirst(parameterCount)))
        } else if arguments.positional.count > parameterCount {
            throw RuntimeFailure.type("macro \(pythonRepr(string: macro.name)) takes not more than \(parameterCount) argument(s)")
        }
        for (parameter, value) in zip(macro.parameters, values) {
            if let value {
                frame.variables[parameter.name] = value
            } else if let defaultValue = parameter.defaultValue {
                frame.variables[parameter.name] = try evaluate(defaultValue, in: frame)
            } else {
                frame.variables[parameter.name] = .undefined(Undefined(hint: "parameter \(pythonRepr(string: parameter.name)) was not provided"))
            }
        }
        return .string(try capture(macro.body, in: frame))
    }
}
