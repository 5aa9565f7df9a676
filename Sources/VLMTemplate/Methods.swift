/// Python methods templates call on strings, dicts, lists and tuples (`s.strip()`, `d.items()`,
/// `xs.index(x)`), bound to their receiver.

private func method(_ name: String, _ body: @escaping (CallArguments) throws -> TemplateValue) -> TemplateFunction {
    TemplateFunction(name: name) { _, arguments in try body(arguments) }
}

private func noArguments(_ name: String, _ arguments: CallArguments) throws {
    _ = try arguments.bind(name, [])
}

func stringMethod(_ s: String, _ name: String) -> TemplateFunction? {
    func unary(_ transform: @escaping (String) -> TemplateValue) -> TemplateFunction {
        method(name) { arguments in
            try noArguments(name, arguments)
            return transform(s)
        }
    }
    func characterTest(_ test: @escaping (Unicode.Scalar) -> Bool) -> TemplateFunction {
        unary { text in .bool(!text.isEmpty && text.unicodeScalars.allSatisfy(test)) }
    }
    switch name {
    case "upper": return unary { .string(PythonStrings.upper($0)) }
    case "lower": return unary { .string(PythonStrings.lower($0)) }
    case "title": return unary { .string(PythonStrings.title($0)) }
    case "capitalize": return unary { .string(PythonStrings.capitalize($0)) }
    case "strip", "lstrip", "rstrip":
        return method(name) { arguments in
            let characters = try arguments.bind(name, ["chars"])[0]?.optionalString("chars")
            return .string(PythonStrings.strip(s, characters: characters, leading: name != "rstrip", trailing: name != "lstrip"))
        }
    case "split", "rsplit":
        return method(name) { arguments in
            let values = try arguments.bind(name, ["sep", "maxsplit"])
            let separator = try values[0]?.optionalString("sep")
            let maxSplit = try values[1]?.requireInt("maxsplit") ?? -1
            let parts = name == "split" ? try PythonStrings.split(s, separator: separator, maxSplit: maxSplit)
                : try PythonStrings.rsplit(s, separator: separator, maxSplit: maxSplit)
            return .list(parts.map { .string($0) })
        }
    case "splitlines":
        return method(name) { arguments in
            let keepEnds = try arguments.bind(name, ["keepends"])[0]?.isTruthy ?? false
            return .list(PythonStrings.splitLines(s, keepEnds: keepEnds).map { .string($0) })
        }
    case "startswith", "endswith":
        return method(name) { arguments in
            let values = try arguments.bind(name, ["prefix", "start", "end"], required: 1)
            let candidates: [TemplateValue]
            if case .tuple(let items) = values[0] { candidates = items } else { candidates = [values[0] ?? .none] }
            let text = try substring(s, start: values[1], end: values[2])
            for candidate in candidates {
                let affix = try candidate.requireString("\(name) first arg")
                if name == "startswith" ? text.utf8.starts(with: affix.utf8) : text.utf8.reversed().starts(with: affix.utf8.reversed()) {
                    return .bool(true)
                }
            }
            return .bool(false)
        }
    case "replace":
        return method(name) { arguments in
            let values = try arguments.bind(name, ["old", "new", "count"], required: 2)
            let count = try values[2]?.requireInt("count") ?? -1
            return .string(PythonStrings.replace(s, try values[0]!.requireString("replace() argument 1"),
                                                 try values[1]!.requireString("replace() argument 2"), count: count))
        }
    case "find", "rfind", "index", "rindex", "count":
        return method(name) { arguments in
            let values = try arguments.bind(name, ["sub", "start", "end"], required: 1)
            let text = try substring(s, start: values[1], end: values[2])
            let offset = try startOffset(s, values[1])
            return try search(text, try values[0]!.requireString("\(name)() argument"), name, offset: offset)
        }
    case "join":
        return method(name) { arguments in
            let items = try pythonIterate(try arguments.bind(name, ["iterable"], required: 1)[0]!)
            let parts = try items.enumerated().map { index, item -> String in
                guard case .string(let part) = item else {
                    throw RuntimeFailure.type("sequence item \(index): expected str instance, \(item.typeName) found")
                }
                return part
            }
            return .string(parts.joined(separator: s))
        }
    case "removeprefix", "removesuffix":
        return method(name) { arguments in
            let affix = try arguments.bind(name, ["affix"], required: 1)[0]!.requireString("\(name)() argument")
            if affix.isEmpty { return .string(s) }
            let bytes = Array(s.utf8)
            let affixBytes = Array(affix.utf8)
            if name == "removeprefix", bytes.starts(with: affixBytes) { return .string(PythonStrings.string(bytes[affixBytes.count...])) }
            if name == "removesuffix", bytes.reversed().starts(with: affixBytes.reversed()) {
                return .string(PythonStrings.string(bytes[..<(bytes.count - affixBytes.count)]))
            }
            return .string(s)
        }
    case "partition", "rpartition":
        return method(name) { arguments in
            let separator = try arguments.bind(name, ["sep"], required: 1)[0]!.requireString("\(name)() argument")
            guard !separator.isEmpty else { throw RuntimeFailure.value("empty separator") }
            let parts = name == "partition" ? try PythonStrings.split(s, separator: separator, maxSplit: 1)
                : try PythonStrings.rsplit(s, separator: separator, maxSplit: 1)
            if parts.count == 2 { return .tuple([.string(parts[0]), .string(separator), .string(parts[1])]) }
            return name == "partition" ? .tuple([.string(s), .string(""), .string("")]) : .tuple([.string(""), .string(""), .string(s)])
        }
    case "format":
        return TemplateFunction(name: name) { _, arguments in .string(try formatString(s, arguments)) }
    case "isdigit": return characterTest { $0.properties.numericType == .digit || $0.properties.numericType == .decimal }
    case "isdecimal": return characterTest { $0.properties.numericType == .decimal }
    case "isnumeric": return characterTest { $0.properties.numericType != nil }
    case "isalpha": return characterTest(isPythonAlpha)
    case "isalnum": return characterTest { isPythonAlpha($0) || $0.properties.numericType != nil }
    case "isspace": return characterTest(isPythonWhitespace)
    case "islower", "isupper":
        return unary { text in
            var sawCased = false
            for scalar in text.unicodeScalars {
                let properties = scalar.properties
                let wrongCase = name == "islower" ? (properties.isUppercase || properties.generalCategory == .titlecaseLetter)
                    : (properties.isLowercase || properties.generalCategory == .titlecaseLetter)
                if wrongCase { return .bool(false) }
                if name == "islower" ? properties.isLowercase : properties.isUppercase { sawCased = true }
            }
            return .bool(sawCased)
        }
    default:
        return nil
    }
}

func isPythonAlpha(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.properties.generalCategory {
    case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: return true
    default: return false
    }
}

/// `s[start:end]` for the optional start/end arguments of `find`, `startswith` and friends.
private func substring(_ s: String, start: TemplateValue?, end: TemplateValue?) throws -> String {
    if (start == nil || start!.isNoneValue) && (end == nil || end!.isNoneValue) { return s }
    return try slice(.string(s), start: start ?? .none, stop: end ?? .none, step: .none).requireString("slice")
}

private func startOffset(_ s: String, _ start: TemplateValue?) throws -> Int {
    guard let start, !start.isNoneValue else { return 0 }
    let count = s.unicodeScalars.count
    let value = try start.requireInt("start")
    return value < 0 ? max(0, value + count) : min(value, count)
}

private func search(_ text: String, _ needle: String, _ name: String, offset: Int) throws -> TemplateValue {
    let bytes = Array(text.utf8)
    let needleBytes = Array(needle.utf8)
    if name == "count" {
        if needleBytes.isEmpty { return .int(text.unicodeScalars.count + 1) }
        var count = 0
        var position = 0
        while let found = PythonStrings.find(needleBytes, in: bytes, from: position) {
            count += 1
            position = found + needleBytes.count
        }
        return .int(count)
    }
    var found: Int?
    if name.hasPrefix("r") {
        var position = 0
        while let next = PythonStrings.find(needleBytes, in: bytes, from: position) {
            found = next
            position = next + 1
            if position > bytes.count { break }
        }
    } else {
        found = PythonStrings.find(needleBytes, in: bytes, from: 0)
    }
    guard let found else {
        if name.hasSuffix("index") { throw RuntimeFailure.value("substring not found") }
        return .int(-1)
    }
    return .int(offset + PythonStrings.scalarIndex(bytes, byteOffset: found))
}

func dictMethod(_ dict: TemplateDict, _ name: String) -> TemplateFunction? {
    switch name {
    case "get":
        return method(name) { arguments in
            let values = try arguments.bind(name, ["key", "default"], required: 1)
            return try dict.value(for: values[0]!) ?? values[1] ?? .none
        }
    case "keys", "values", "items":
        return method(name) { arguments in
            try noArguments(name, arguments)
            return .dictView(DictViewKind(rawValue: "dict_\(name)")!, dict)
        }
    case "copy":
        return method(name) { arguments in
            try noArguments(name, arguments)
            return .dict(dict)
        }
    default:
        return nil
    }
}

func sequenceMethod(_ items: [TemplateValue], _ name: String) -> TemplateFunction? {
    switch name {
    case "index":
        return method(name) { arguments in
            let value = try arguments.bind(name, ["value"], required: 1)[0]!
            guard let index = items.firstIndex(where: { pythonEquals($0, value) }) else {
                throw RuntimeFailure.value("\(pythonRepr(value)) is not in list")
            }
            return .int(index)
        }
    case "count":
        return method(name) { arguments in
            let value = try arguments.bind(name, ["value"], required: 1)[0]!
            return .int(items.filter { pythonEquals($0, value) }.count)
        }
    default:
        return nil
    }
}
