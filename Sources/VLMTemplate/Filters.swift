/// jinja2's built-in filters (with transformers' `tojson`): the dispatcher and the string and number
/// filters; the sequence filters are in CollectionFilters.swift.

/// Every filter name jinja2 knows, so an unknown name fails at compile time as in jinja2. The few
/// HTML-oriented ones we do not implement fail with a clear message when used.
let filterNames: Set<String> = [
    "abs", "attr", "batch", "capitalize", "center", "count", "d", "default", "dictsort", "e", "escape",
    "filesizeformat", "first", "float", "forceescape", "format", "groupby", "indent", "int", "join", "last",
    "length", "list", "lower", "items", "map", "min", "max", "pprint", "random", "reject", "rejectattr",
    "replace", "reverse", "round", "safe", "select", "selectattr", "slice", "sort", "string", "striptags",
    "sum", "title", "trim", "truncate", "unique", "upper", "urlencode", "urlize", "wordcount", "wordwrap",
    "xmlattr", "tojson",
]

extension Interpreter {
    func callFilter(_ name: String, _ value: TemplateValue, _ arguments: CallArguments) throws -> TemplateValue {
        func bind(_ parameters: [String], required: Int = 0) throws -> [TemplateValue?] {
            try arguments.bind(name, parameters, required: required)
        }
        switch name {
        case "abs":
            _ = try bind([])
            switch value {
            case .bool(let b): return .int(b ? 1 : 0)
            case .int(let i):
                if i == Int.min { throw Arithmetic.overflow() }
                return .int(abs(i))
            case .double(let d): return .double(abs(d))
            default: throw RuntimeFailure.type("bad operand type for abs(): '\(value.typeName)'")
            }
        case "attr":
            let attribute = try bind(["name"], required: 1)[0]!.requireString("attr name")
            // Like `value.name`, but without falling back to `value['name']`.
            if case .undefined(let u) = value { throw u.failure }
            return pythonAttribute(value, attribute) ?? .undefined(Undefined(attribute: attribute, of: value))
        case "capitalize": _ = try bind([]); return .string(PythonStrings.capitalize(pythonStr(value)))
        case "lower": _ = try bind([]); return .string(PythonStrings.lower(pythonStr(value)))
        case "upper": _ = try bind([]); return .string(PythonStrings.upper(pythonStr(value)))
        case "title": _ = try bind([]); return .string(titleFilter(pythonStr(value)))
        case "string", "safe": _ = try bind([]); return .string(pythonStr(value))
        case "trim":
            let characters = try bind(["chars"])[0]?.optionalString("chars")
            return .string(PythonStrings.strip(pythonStr(value), characters: characters, leading: true, trailing: true))
        case "replace":
            let values = try bind(["old", "new", "count"], required: 2)
            let count = try values[2].flatMap { $0.isNoneValue ? nil : try $0.requireInt("count") } ?? -1
            return .string(PythonStrings.replace(pythonStr(value), pythonStr(values[0]!), pythonStr(values[1]!), count: count))
        case "center":
            let width = try bind(["width"])[0]?.requireInt("width") ?? 80
            return .string(center(pythonStr(value), width: width))
        case "indent":
            // jinja2 appends "\n" to the value first, which only a string survives.
            let values = try bind(["width", "first", "blank"])
            if case .undefined(let u) = value { throw u.failure }
            guard case .string(let text) = value else {
                throw RuntimeFailure.type("indent needs a string, not \(value.typeName)")
            }
            return .string(try indent(text, values))
        case "wordcount":
            _ = try bind([])
            return .int(wordCount(pythonStr(value)))
        case "format":
            guard case .string = value else { return .string(try percentFormat(pythonStr(value), .tuple(arguments.positional))) }
            if !arguments.positional.isEmpty && !arguments.keywords.isEmpty {
                throw RuntimeFailure(.runtime, "can't handle positional and keyword arguments at the same time")
            }
            if !arguments.keywords.isEmpty {
                var dict = TemplateDict()
                for (key, item) in arguments.keywords { dict.setString(key, item) }
                return .string(try percentFormat(pythonStr(value), .dict(dict)))
            }
            return .string(try percentFormat(pythonStr(value), .tuple(arguments.positional)))
        case "int": return try intFilter(value, try bind(["default", "base"]))
        case "float":
            let fallback = try bind(["default"])[0] ?? .double(0)
            if case .undefined(let u) = value { throw u.failure }
            return pythonFloat(value).map { .double($0) } ?? fallback
        case "round": return try roundFilter(value, try bind(["precision", "method"]))
        case "default", "d":
            let values = try bind(["default_value", "boolean"])
            let useDefault = value.isUndefined || ((values[1]?.isTruthy ?? false) && !value.isTruthy)
            return useDefault ? (values[0] ?? .string("")) : value
        case "length", "count":
            _ = try bind([])
            return .int(try pythonLength(value))
        case "tojson":
            return try toJSONFilter(value, arguments)
        case "e", "escape", "forceescape", "filesizeformat", "groupby", "pprint", "random", "striptags",
             "truncate", "urlencode", "urlize", "wordwrap", "xmlattr":
            throw RuntimeFailure(.runtime, "the '\(name)' filter is not supported in chat templates")
        default:
            return try callCollectionFilter(name, value, arguments)
        }
    }

    private func intFilter(_ value: TemplateValue, _ values: [TemplateValue?]) throws -> TemplateValue {
        let fallback = values[0] ?? .int(0)
        let base = try values[1]?.requireInt("base") ?? 10
        switch value {
        case .undefined(let u): throw u.failure
        case .bool(let b): return .int(b ? 1 : 0)
        case .int(let i): return .int(i)
        case .double(let d):
            if d.isInfinite { throw RuntimeFailure(.arithmetic, "cannot convert float infinity to integer") }
            if d.isNaN { return fallback }
            guard let i = Int(exactly: d.rounded(.towardZero)) else { throw Arithmetic.overflow() }
            return .int(i)
        case .string(let s):
            if let i = pythonInt(s, base: base) { return .int(i) }
            if let d = pythonFloat(value), d.isFinite, let i = Int(exactly: d.rounded(.towardZero)) { return .int(i) }
            return fallback
        default:
            return fallback
        }
    }

    private func roundFilter(_ value: TemplateValue, _ values: [TemplateValue?]) throws -> TemplateValue {
        let precision = try values[0]?.requireInt("precision") ?? 0
        let method = try values[1]?.requireString("method") ?? "common"
        guard ["common", "ceil", "floor"].contains(method) else {
            throw RuntimeFailure(.runtime, "method must be common, ceil or floor")
        }
        // `round(value)` has no hook on Undefined (TypeError); `value * 10**n` for ceil/floor raises its error.
        if case .undefined(let u) = value, method != "common" { throw u.failure }
        guard let number = NumericValue(value) else {
            throw RuntimeFailure.type("type \(value.typeName) doesn't define __round__ method")
        }
        if method == "common" {
            switch number {
            case .int(let i):
                guard precision < 0 else { return .int(i) }
                let rounded = pythonRound(Double(i), places: precision)
                return .int(Int(exactly: rounded) ?? i)
            case .double(let d):
                return .double(pythonRound(d, places: precision))
            }
        }
        let scale = try Arithmetic.binary(.power, .int(10), .int(precision))
        let scaled = try Arithmetic.binary(.multiply, value, scale)
        guard case let scaledNumber? = NumericValue(scaled) else { return scaled }
        let magnitude: Double
        switch scaledNumber {
        case .int(let i): magnitude = Double(i)
        case .double(let d): magnitude = d
        }
        let whole = magnitude.rounded(method == "ceil" ? .up : .down)
        guard let integer = Int(exactly: whole) else { throw RuntimeFailure(.arithmetic, "cannot convert float infinity to integer") }
        return try Arithmetic.binary(.divide, .int(integer), scale)
    }
}

/// jinja2's `title` filter: split on runs of whitespace and `-({[<`, uppercase each piece's first
/// character and lowercase the rest (not `str.title`).
private func titleFilter(_ s: String) -> String {
    let scalars = Array(s.unicodeScalars)
    func isBoundary(_ scalar: Unicode.Scalar) -> Bool {
        isPythonWhitespace(scalar) || "-({[<".unicodeScalars.contains(scalar)
    }
    var out = ""
    var i = 0
    while i < scalars.count {
        let start = i
        let boundary = isBoundary(scalars[i])
        while i < scalars.count, isBoundary(scalars[i]) == boundary { i += 1 }
        let piece = String(String.UnicodeScalarView(scalars[start..<i]))
        if boundary {
            out += piece
        } else {
            out += PythonStrings.upper(String(scalars[start])) + PythonStrings.lower(String(piece.unicodeScalars.dropFirst()))
        }
    }
    return out
}

/// `str.center(width)` with CPython's placement of the odd padding character.
private func center(_ s: String, width: Int) -> String {
    let length = s.unicodeScalars.count
    guard width > length else { return s }
    let margin = width - length
    let left = margin / 2 + (margin & width & 1)
    return String(repeating: " ", count: left) + s + String(repeating: " ", count: margin - left)
}

/// jinja2's `indent(width=4, first=False, blank=False)`.
private func indent(_ s: String, _ values: [TemplateValue?]) throws -> String {
    let indentation: String
    switch values[0] {
    case .string(let text)?: indentation = text
    case let width?: indentation = String(repeating: " ", count: max(0, try width.requireInt("width")))
    case nil: indentation = "    "
    }
    let first = values[1]?.isTruthy ?? false
    let blank = values[2]?.isTruthy ?? false
    var lines = PythonStrings.splitLines(s + "\n", keepEnds: false)
    var result: String
    if blank {
        result = lines.joined(separator: "\n" + indentation)
    } else {
        result = lines.isEmpty ? "" : lines.removeFirst()
        if !lines.isEmpty {
            result += "\n" + lines.map { $0.isEmpty ? $0 : indentation + $0 }.joined(separator: "\n")
        }
    }
    return first ? indentation + result : result
}

/// `len(re.findall(r"\w+", s))`.
private func wordCount(_ s: String) -> Int {
    var count = 0
    var inWord = false
    for scalar in s.unicodeScalars {
        let isWord = scalar == "_" || isPythonAlpha(scalar) || scalar.properties.numericType != nil
        if isWord && !inWord { count += 1 }
        inWord = isWord
    }
    return count
}

/// Python `int(s, base)` for a string: surrounding whitespace, a sign, `_` between digits, and the
/// `0x`/`0o`/`0b` prefix matching the base.
func pythonInt(_ s: String, base: Int) -> Int? {
    var text = PythonStrings.strip(s, characters: nil, leading: true, trailing: true)
    var negative = false
    if text.hasPrefix("-") || text.hasPrefix("+") {
        negative = text.hasPrefix("-")
        text.removeFirst()
    }
    let prefixes = [16: "0x", 8: "0o", 2: "0b"]
    var radix = base
    if base == 0 {
        radix = prefixes.first { text.lowercased().hasPrefix($0.value) }?.key ?? 10
    }
    guard (2...36).contains(radix) else { return nil }
    if let prefix = prefixes[radix], text.lowercased().hasPrefix(prefix) {
        text = String(text.dropFirst(2))
        if text.hasPrefix("_") { text.removeFirst() }
    }
    guard !text.isEmpty, !text.hasPrefix("_"), !text.hasSuffix("_"), !text.contains("__") else { return nil }
    let digits = text.filter { $0 != "_" }
    guard digits.unicodeScalars.allSatisfy({ $0.isASCII }), let magnitude = Int(digits, radix: radix) else { return nil }
    return negative ? -magnitude : magnitude
}

/// Python `float(x)` for numbers and strings (`" 1.5 "`, `"1e3"`, `"inf"`, `"1_000"`); nil where Python
/// raises TypeError or ValueError.
func pythonFloat(_ value: TemplateValue) -> Double? {
    switch value {
    case .bool(let b): return b ? 1 : 0
    case .int(let i): return Double(i)
    case .double(let d): return d
    case .string(let s):
        var text = PythonStrings.strip(s, characters: nil, leading: true, trailing: true)
        var sign = ""
        if text.hasPrefix("-") || text.hasPrefix("+") {
            sign = String(text.removeFirst())
        }
        switch text.lowercased() {
        case "inf", "infinity": return sign == "-" ? -.infinity : .infinity
        case "nan": return .nan
        default: break
        }
        guard isDecimalLiteral(text) else { return nil }
        return Double(sign + text.filter { $0 != "_" })
    default:
        return nil
    }
}

/// `digits[.digits][e[sign]digits]` or `.digits...`, with single `_` between digits.
private func isDecimalLiteral(_ text: String) -> Bool {
    let scalars = Array(text.unicodeScalars)
    var i = 0
    func digitRun() -> Bool {
        guard i < scalars.count, scalars[i].properties.numericType == .decimal, scalars[i].isASCII else { return false }
        while i < scalars.count {
            if scalars[i].isASCII && scalars[i].properties.numericType == .decimal { i += 1; continue }
            if scalars[i] == "_", i + 1 < scalars.count, scalars[i + 1].isASCII, scalars[i + 1].properties.numericType == .decimal {
                i += 1
                continue
            }
            break
        }
        return true
    }
    let hasInteger = digitRun()
    var hasFraction = false
    if i < scalars.count, scalars[i] == "." {
        i += 1
        hasFraction = digitRun()
    }
    guard hasInteger || hasFraction else { return false }
    if i < scalars.count, scalars[i] == "e" || scalars[i] == "E" {
        i += 1
        if i < scalars.count, scalars[i] == "+" || scalars[i] == "-" { i += 1 }
        guard digitRun() else { return false }
    }
    return i == scalars.count
}
