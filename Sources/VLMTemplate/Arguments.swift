/// Binding call arguments to a Python-style signature, and reading typed values out of them.
extension CallArguments {
    /// The arguments matched to `parameters` (positional first, then by keyword); nil where absent.
    func bind(_ function: String, _ parameters: [String], required: Int = 0) throws -> [TemplateValue?] {
        guard positional.count <= parameters.count else {
            throw RuntimeFailure.type("\(function)() takes at most \(parameters.count) argument(s) (\(positional.count) given)")
        }
        var values: [TemplateValue?] = positional.map { $0 } + Array(repeating: nil, count: parameters.count - positional.count)
        for (name, value) in keywords {
            guard let index = parameters.firstIndex(of: name) else {
                throw RuntimeFailure.type("\(function)() got an unexpected keyword argument \(pythonRepr(string: name))")
            }
            guard values[index] == nil else {
                throw RuntimeFailure.type("\(function)() got multiple values for argument \(pythonRepr(string: name))")
            }
            values[index] = value
        }
        for index in 0..<required where values[index] == nil {
            throw RuntimeFailure.type("\(function)() missing required argument: \(pythonRepr(string: parameters[index]))")
        }
        return values
    }
}

extension TemplateValue {
    /// The string itself, or a TypeError naming the argument.
    func requireString(_ what: String) throws -> String {
        if case .string(let s) = self { return s }
        if case .undefined(let u) = self { throw u.failure }
        throw RuntimeFailure.type("\(what) must be str, not \(typeName)")
    }

    /// An integer argument (bools count, as in Python).
    func requireInt(_ what: String) throws -> Int {
        switch self {
        case .int(let i): return i
        case .bool(let b): return b ? 1 : 0
        case .undefined(let u): throw u.failure
        default: throw RuntimeFailure.type("\(what) must be an integer, not \(typeName)")
        }
    }

    /// nil for None, else a string.
    func optionalString(_ what: String) throws -> String? {
        switch self {
        case .none: return nil
        case .string(let s): return s
        case .undefined(let u): throw u.failure
        default: throw RuntimeFailure.type("must be str or None, not \(typeName)")
        }
    }
}
