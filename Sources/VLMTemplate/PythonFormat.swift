import VLMJSON

/// Python's `'%s' % args` and `'{}'.format(args)` (the forms templates use: field names, `!r`, and
/// the common format specs), with CPython's float formatting.

struct FormatSpec {
    var fill: Unicode.Scalar = " "
    var align: Unicode.Scalar?
    var sign: Unicode.Scalar = "-"
    var alternate = false
    var zeroPad = false
    var width = 0
    var precision: Int?
    var type: Unicode.Scalar?

    /// Formats a value with this spec; no `type` means `str()` (numbers keep their sign and padding rules).
    func format(_ value: TemplateValue) throws -> String {
        var isBool = false
        if case .bool = value { isBool = true }
        if var number = NumericValue(value), !(isBool && type == nil), type != "s", type != "r", type != "c" {
            // `%d` of a float formats int(x): truncated first, so -0.5 prints as 0.
            if case .double(let d) = number, type == "d" || type == "i" || type == "u", d.isFinite {
                number = .int(Int(exactly: d.rounded(.towardZero)) ?? 0)
            }
            let negative: Bool
            switch number {
            case .int(let i): negative = i < 0
            case .double(let d): negative = d.sign == .minus && !d.isNaN
            }
            let operand: TemplateValue
            switch number {
            case .int(let i): operand = .int(i)
            case .double(let d): operand = .double(d)
            }
            return pad(numberText(operand, type: type), numeric: true, negative: negative)
        }
        switch type {
        case nil, "s":
            if type == "s", value.isNumber {
                throw RuntimeFailure.value("Unknown format code 's' for object of type '\(value.typeName)'")
            }
            var text = pythonStr(value)
            if let precision { text = String(String.UnicodeScalarView(text.unicodeScalars.prefix(precision))) }
            return pad(text, numeric: false, negative: false)
        case "r":
            return pad(pythonRepr(value), numeric: false, negative: false)
        case "c":
            if case .string(let s) = value, s.unicodeScalars.count == 1 { return pad(s, numeric: false, negative: false) }
            guard case .int(let code) = value, let scalar = Unicode.Scalar(UInt32(clamping: max(0, code))) else {
                throw RuntimeFailure.type("%c requires int or char")
            }
            return pad(String(scalar), numeric: false, negative: false)
        default:
            throw RuntimeFailure.value("Unknown format code '\(type!)' for object of type '\(value.typeName)'")
        }
    }

    /// The digits of a number without its sign.
    private func numberText(_ value: TemplateValue, type: Unicode.Scalar?) -> String {
        let number = NumericValue(value)!
        switch (number, type) {
        case (.int(let i), nil), (.int(let i), "d"), (.int(let i), "i"), (.int(let i), "u"):
            let digits = String(i.magnitude)
            return precision.map { String(repeating: "0", count: max(0, $0 - digits.count)) + digits } ?? digits
        case (.int(let i), "x"), (.int(let i), "X"), (.int(let i), "o"):
            let radix = type == "o" ? 8 : 16
            var digits = String(i.magnitude, radix: radix, uppercase: type == "X")
            if alternate { digits = (type == "o" ? "0o" : (type == "X" ? "0X" : "0x")) + digits }
            return digits
        case (.double(let d), "d"), (.double(let d), "i"), (.double(let d), "u"):
            return String(Int(exactly: d.rounded(.towardZero))?.magnitude ?? 0)
        case (.double(let d), nil):
            return pythonFloatRepr(abs(d))
        default:
            let d: Double
            switch number {
            case .int(let i): d = Double(i)
            case .double(let x): d = x
            }
            return floatText(abs(d), type: type ?? "g")
        }
    }

    private func floatText(_ d: Double, type: Unicode.Scalar) -> String {
        let upper = type == "F" || type == "E" || type == "G"
        if d.isNaN { return upper ? "NAN" : "nan" }
        if d.isInfinite { return upper ? "INF" : "inf" }
        let exact = ExactDecimal(d)
        var text: String
        switch type {
        case "f", "F":
            text = exact.fixed(places: precision ?? 6)
            if alternate && (precision ?? 6) == 0 { text += "." }
        case "%":
            text = ExactDecimal(d * 100).fixed(places: precision ?? 6) + "%"
        case "e", "E":
            text = scientific(exact, places: precision ?? 6)
        default:
            let significant = max(precision ?? 6, 1)
            let exponent = scientificExponent(exact, places: significant - 1)
            if exponent >= -4 && exponent < significant {
                text = exact.fixed(places: significant - 1 - exponent)
            } else {
                text = scientific(exact, places: significant - 1)
            }
            if !alternate { text = strippingZeros(text) }
        }
        return upper ? text.uppercased() : text
    }

    /// The decimal exponent of `x` after rounding to `places + 1` significant digits.
    private func scientificExponent(_ exact: ExactDecimal, places: Int) -> Int {
        if exact.digits == [0] { return 0 }
        let exponent = exact.digits.count - 1 - exact.scale
        let rounded = exact.roundedDigits(places: places - exponent)
        return rounded.count > places + 1 ? exponent + 1 : exponent
    }

    private func scientific(_ exact: ExactDecimal, places: Int) -> String {
        let exponent = scientificExponent(exact, places: places)
        var digits = exact.digits == [0] ? [UInt8](repeating: 0, count: places + 1)
            : exact.roundedDigits(places: places - (exact.digits.count - 1 - exact.scale))
        digits = Array(digits.prefix(places + 1))
        let text = digits.map { String($0) }.joined()
        let mantissa = places > 0 ? String(text.prefix(1)) + "." + String(text.dropFirst()) : text + (alternate ? "." : "")
        let magnitude = String(abs(exponent))
        return mantissa + (exponent < 0 ? "e-" : "e+") + (magnitude.count < 2 ? "0" : "") + magnitude
    }

    private func strippingZeros(_ text: String) -> String {
        let parts = text.split(separator: "e", maxSplits: 1, omittingEmptySubsequences: false)
        var mantissa = String(parts[0])
        if mantissa.contains(".") {
            while mantissa.hasSuffix("0") { mantissa.removeLast() }
            if mantissa.hasSuffix(".") { mantissa.removeLast() }
        }
        return parts.count > 1 ? mantissa + "e" + parts[1] : mantissa
    }

    private func pad(_ body: String, numeric: Bool, negative: Bool) -> String {
        let signText = negative ? "-" : (numeric && sign == "+" ? "+" : (numeric && sign == " " ? " " : ""))
        let length = signText.unicodeScalars.count + body.unicodeScalars.count
        let missing = max(0, width - length)
        let alignment = align ?? (zeroPad && numeric ? "=" : (numeric ? ">" : "<"))
        let filler = zeroPad && align == nil && numeric ? "0" : String(fill)
        switch alignment {
        case "<": return signText + body + String(repeating: filler, count: missing)
        case "^":
            let left = missing / 2
            return String(repeating: filler, count: left) + signText + body + String(repeating: filler, count: missing - left)
        case "=": return signText + String(repeating: filler, count: missing) + body
        default: return String(repeating: filler, count: missing) + signText + body
        }
    }
}

/// `format % args`.
func percentFormat(_ format: String, _ args: TemplateValue) throws -> String {
    let scalars = Array(format.unicodeScalars)
    var positional: [TemplateValue]
    var mapping: TemplateDict?
    // CPython treats any non-tuple argument with `__getitem__` as a mapping: it is still the single
    // positional argument, but leftovers are not an error.
    var isMappingLike = false
    switch args {
    case .tuple(let items): positional = items
    case .dict(let dict): positional = [args]; mapping = dict; isMappingLike = true
    case .list, .undefined: positional = [args]; isMappingLike = true
    default: positional = [args]
    }
    var next = 0
    func take() throws -> TemplateValue {
        guard next < positional.count else { throw RuntimeFailure.type("not enough arguments for format string") }
        defer { next += 1 }
        return positional[next]
    }
    var out = ""
    var i = 0
    while i < scalars.count {
        guard scalars[i] == "%" else { out.unicodeScalars.append(scalars[i]); i += 1; continue }
        i += 1
        guard i < scalars.count else { throw RuntimeFailure.value("incomplete format") }
        if scalars[i] == "%" { out += "%"; i += 1; continue }
        var value: TemplateValue?
        if scalars[i] == "(" {
            guard let mapping else { throw RuntimeFailure.type("format requires a mapping") }
            guard let close = scalars[i...].firstIndex(of: ")") else { throw RuntimeFailure.value("incomplete format key") }
            let key = String(String.UnicodeScalarView(scalars[(i + 1)..<close]))
            guard let found = mapping[key] else { throw RuntimeFailure(.value, "KeyError: \(pythonRepr(string: key))") }
            value = found
            i = close + 1
        }
        var spec = FormatSpec()
        while i < scalars.count, "-+ #0".unicodeScalars.contains(scalars[i]) {
            switch scalars[i] {
            case "-": spec.align = "<"
            case "+": spec.sign = "+"
            case " ": if spec.sign != "+" { spec.sign = " " }
            case "#": spec.alternate = true
            default: spec.zeroPad = true
            }
            i += 1
        }
        if spec.align != nil { spec.zeroPad = false }
        func number() throws -> Int {
            if i < scalars.count, scalars[i] == "*" { i += 1; return try take().requireInt("* wants int") }
            var digits = 0
            while i < scalars.count, let d = Int(String(scalars[i])) { digits = digits * 10 + d; i += 1 }
            return digits
        }
        spec.width = try number()
        if i < scalars.count, scalars[i] == "." { i += 1; spec.precision = try number() }
        while i < scalars.count, "hlL".unicodeScalars.contains(scalars[i]) { i += 1 }
        guard i < scalars.count else { throw RuntimeFailure.value("incomplete format") }
        let code = scalars[i]
        i += 1
        guard "srdiuxXoeEfFgGc".unicodeScalars.contains(code) else {
            throw RuntimeFailure.value("unsupported format character \(pythonRepr(string: String(code))) (0x\(String(code.value, radix: 16))) at index \(i - 1)")
        }
        let argument = try value ?? take()
        let isNumeric = "diuxXoeEfFgG".unicodeScalars.contains(code)
        // int() / float() of an undefined value raise its UndefinedError.
        if isNumeric, case .undefined(let undefined) = argument { throw undefined.failure }
        if "diuxXo".unicodeScalars.contains(code), !argument.isNumber {
            throw RuntimeFailure.type("%\(code) format: a real number is required, not \(argument.typeName)")
        }
        if isNumeric, !argument.isNumber {
            throw RuntimeFailure.type("must be real number, not \(argument.typeName)")
        }
        if "xXo".unicodeScalars.contains(code), case .double = argument {
            throw RuntimeFailure.type("%\(code) format: an integer is required, not float")
        }
        spec.type = code == "s" ? "s" : code
        if code == "s" {
            var text = pythonStr(argument)
            if let precision = spec.precision { text = String(String.UnicodeScalarView(text.unicodeScalars.prefix(precision))) }
            spec.precision = nil
            out += try FormatSpec(fill: " ", align: spec.align ?? ">", width: spec.width).format(.string(text))
        } else {
            out += try spec.format(argument)
        }
    }
    if !isMappingLike, next < positional.count {
        throw RuntimeFailure.type("not all arguments converted during string formatting")
    }
    return out
}

/// `str.format(*args, **kwargs)` through the sandbox's field lookup.
func formatString(_ format: String, _ arguments: CallArguments) throws -> String {
    let scalars = Array(format.unicodeScalars)
    var out = ""
    var i = 0
    var automatic = 0
    var usedManual = false
    while i < scalars.count {
        let scalar = scalars[i]
        if scalar == "}" {
            guard i + 1 < scalars.count, scalars[i + 1] == "}" else { throw RuntimeFailure.value("Single '}' encountered in format string") }
            out += "}"
            i += 2
            continue
        }
        guard scalar == "{" else { out.unicodeScalars.append(scalar); i += 1; continue }
        if i + 1 < scalars.count, scalars[i + 1] == "{" { out += "{"; i += 2; continue }
        guard let close = scalars[(i + 1)...].firstIndex(of: "}") else { throw RuntimeFailure.value("Single '{' encountered in format string") }
        let field = String(String.UnicodeScalarView(scalars[(i + 1)..<close]))
        i = close + 1
        var name = field
        var specText = ""
        var conversion: Character?
        if let colon = name.firstIndex(of: ":") {
            specText = String(name[name.index(after: colon)...])
            name = String(name[..<colon])
        }
        if let bang = name.firstIndex(of: "!") {
            conversion = name[name.index(after: bang)...].first
            name = String(name[..<bang])
        }
        let head = name.prefix { $0 != "." && $0 != "[" }
        var value: TemplateValue
        if head.isEmpty {
            if usedManual { throw RuntimeFailure.value("cannot switch from manual field specification to automatic field numbering") }
            guard automatic < arguments.positional.count else { throw RuntimeFailure(.value, "IndexError: Replacement index \(automatic) out of range for positional args tuple") }
            value = arguments.positional[automatic]
            automatic += 1
        } else if let index = Int(head) {
            if automatic > 0 { throw RuntimeFailure.value("cannot switch from automatic field numbering to manual field specification") }
            usedManual = true
            guard index < arguments.positional.count else { throw RuntimeFailure(.value, "IndexError: Replacement index \(index) out of range for positional args tuple") }
            value = arguments.positional[index]
        } else {
            guard let keyword = arguments.keywords.last(where: { $0.name == head }) else {
                throw RuntimeFailure(.value, "KeyError: \(pythonRepr(string: String(head)))")
            }
            value = keyword.value
        }
        var rest = name.dropFirst(head.count)
        while let first = rest.first {
            rest = rest.dropFirst()
            if first == "." {
                let attribute = rest.prefix { $0 != "." && $0 != "[" }
                rest = rest.dropFirst(attribute.count)
                value = try getAttribute(value, String(attribute))
            } else {
                let key = rest.prefix { $0 != "]" }
                rest = rest.dropFirst(key.count + 1)
                value = try getItem(value, Int(key).map { .int($0) } ?? .string(String(key)))
            }
        }
        switch conversion {
        case "r": value = .string(pythonRepr(value))
        case "s": value = .string(pythonStr(value))
        case nil: break
        default: throw RuntimeFailure.value("Unknown conversion specifier \(conversion!)")
        }
        out += try parseFormatSpec(specText).format(value)
    }
    return out
}

/// `[[fill]align][sign][#][0][width][.precision][type]`
private func parseFormatSpec(_ text: String) throws -> FormatSpec {
    var spec = FormatSpec()
    let scalars = Array(text.unicodeScalars)
    var i = 0
    let aligns = "<>^=".unicodeScalars
    if scalars.count >= 2, aligns.contains(scalars[1]) {
        spec.fill = scalars[0]
        spec.align = scalars[1]
        i = 2
    } else if let first = scalars.first, aligns.contains(first) {
        spec.align = first
        i = 1
    }
    if i < scalars.count, "+- ".unicodeScalars.contains(scalars[i]) { spec.sign = scalars[i]; i += 1 }
    if i < scalars.count, scalars[i] == "#" { spec.alternate = true; i += 1 }
    if i < scalars.count, scalars[i] == "0" { spec.zeroPad = true; i += 1 }
    while i < scalars.count, let d = Int(String(scalars[i])) { spec.width = spec.width * 10 + d; i += 1 }
    if i < scalars.count, scalars[i] == "." {
        i += 1
        var precision = 0
        while i < scalars.count, let d = Int(String(scalars[i])) { precision = precision * 10 + d; i += 1 }
        spec.precision = precision
    }
    if i < scalars.count { spec.type = scalars[i]; i += 1 }
    guard i == scalars.count else { throw RuntimeFailure.value("Invalid format specifier '\(text)'") }
    return spec
}
