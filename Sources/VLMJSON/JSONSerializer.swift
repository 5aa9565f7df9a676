/// Writes JSON the way Python's `json.dumps` does, so a chat template's `tojson` and our wire output
/// match the reference byte for byte.
public struct JSONWriteOptions: Sendable {
    /// `\uXXXX` for every non-ASCII character (Python's default `ensure_ascii=True`).
    public var ensureASCII: Bool
    /// Pretty-print with this many spaces per level (Python's `indent`; 0 or less still breaks lines);
    /// nil for one line.
    public var indent: Int?
    /// The text of one level when it is not spaces (Python's `indent="\t"`); takes precedence over `indent`.
    public var indentText: String?
    /// Item and key separators; Python's defaults are `", "` and `": "` (`","` when indenting).
    public var itemSeparator: String
    public var keySeparator: String
    public var sortKeys: Bool

    public init(ensureASCII: Bool = true, indent: Int? = nil, indentText: String? = nil, itemSeparator: String? = nil,
                keySeparator: String = ": ", sortKeys: Bool = false)
    {
        self.ensureASCII = ensureASCII
        self.indent = indent
        self.indentText = indentText
        self.itemSeparator = itemSeparator ?? (indent == nil && indentText == nil ? ", " : ",")
        self.keySeparator = keySeparator
        self.sortKeys = sortKeys
    }

    /// `json.dumps(x)`.
    public static let python = JSONWriteOptions()
    /// Compact UTF-8 output for the wire: `separators=(",", ":")`, `ensure_ascii=False`.
    public static let compact = JSONWriteOptions(ensureASCII: false, itemSeparator: ",", keySeparator: ":")
}

extension JSONValue {
    /// The serialized text under `options`.
    public func serialized(_ options: JSONWriteOptions = .compact) -> String {
        var out = ""
        write(to: &out, options: options, level: 0)
        return out
    }

    private func write(to out: inout String, options: JSONWriteOptions, level: Int) {
        switch self {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .int(let i): out += String(i)
        case .double(let d): out += pythonFloatRepr(d, json: true)
        case .string(let s): writeJSONString(s, to: &out, ensureASCII: options.ensureASCII)
        case .array(let items):
            if items.isEmpty { out += "[]"; return }
            out += "["
            for (position, item) in items.enumerated() {
                if position > 0 { out += options.itemSeparator }
                newline(&out, options: options, level: level + 1)
                item.write(to: &out, options: options, level: level + 1)
            }
            newline(&out, options: options, level: level)
            out += "]"
        case .object(let object):
            if object.isEmpty { out += "{}"; return }
            out += "{"
            let keys = options.sortKeys ? object.keys.sorted(by: pythonStringLess) : object.keys
            for (position, key) in keys.enumerated() {
                if position > 0 { out += options.itemSeparator }
                newline(&out, options: options, level: level + 1)
                writeJSONString(key, to: &out, ensureASCII: options.ensureASCII)
                out += options.keySeparator
                object[key]!.write(to: &out, options: options, level: level + 1)
            }
            newline(&out, options: options, level: level)
            out += "}"
        }
    }

    private func newline(_ out: inout String, options: JSONWriteOptions, level: Int) {
        if let text = options.indentText {
            out += "\n"
            for _ in 0..<level { out += text }
        } else if let indent = options.indent {
            out += "\n"
            out += String(repeating: " ", count: max(0, indent) * level)
        }
    }
}

/// Python compares strings by code point.
private func pythonStringLess(_ a: String, _ b: String) -> Bool {
    a.unicodeScalars.lexicographicallyPrecedes(b.unicodeScalars)
}

/// A JSON string literal with Python's escapes: `\"`, `\\`, `\n`, `\r`, `\t`, `\b`, `\f`, other control
/// characters as `\u00XX`, and with `ensureASCII` every non-ASCII scalar as `\uXXXX` (surrogate pairs
/// above U+FFFF).
public func writeJSONString(_ text: String, to out: inout String, ensureASCII: Bool) {
    out += "\""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        case "\u{08}": out += "\\b"
        case "\u{0C}": out += "\\f"
        default:
            if scalar.value < 0x20 || (ensureASCII && scalar.value > 0x7E) {
                if scalar.value > 0xFFFF {
                    let v = scalar.value - 0x10000
                    appendHexEscape(0xD800 + (v >> 10), to: &out)
                    appendHexEscape(0xDC00 + (v & 0x3FF), to: &out)
                } else {
                    appendHexEscape(scalar.value, to: &out)
                }
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
    }
    out += "\""
}

private func appendHexEscape(_ value: UInt32, to out: inout String) {
    let hex = String(value, radix: 16)
    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
}

/// Python's `repr(float)`: the shortest digits that round-trip, positional notation for decimal
/// exponents in [-4, 16), scientific (`1e-05`, `1e+16`) otherwise. With `json`, non-finite values are
/// written as `json.dumps` does (`NaN`, `Infinity`, `-Infinity`); otherwise as `nan`, `inf`, `-inf`.
public func pythonFloatRepr(_ value: Double, json: Bool = false) -> String {
    if value.isNaN { return json ? "NaN" : "nan" }
    if value.isInfinite { return value < 0 ? (json ? "-Infinity" : "-inf") : (json ? "Infinity" : "inf") }
    if value == 0 { return value.sign == .minus ? "-0.0" : "0.0" }
    // Swift's description is also shortest round-trip; take its digits and exponent and lay them out
    // by Python's rule.
    let swift = "\(abs(value))"
    var digits = ""
    var exponent = 0
    if let e = swift.firstIndex(where: { $0 == "e" || $0 == "E" }) {
        let mantissa = swift[..<e]
        exponent = Int(swift[swift.index(after: e)...]) ?? 0
        let parts = mantissa.split(separator: ".", omittingEmptySubsequences: false)
        digits = String(parts[0]) + (parts.count > 1 ? String(parts[1]) : "")
        exponent += parts[0].count - 1
    } else {
        let parts = swift.split(separator: ".", omittingEmptySubsequences: false)
        let integerPart = String(parts[0])
        let fraction = parts.count > 1 ? String(parts[1]) : ""
        if integerPart != "0" {
            digits = integerPart + fraction
            exponent = integerPart.count - 1
        } else {
            let leadingZeros = fraction.prefix(while: { $0 == "0" }).count
            digits = String(fraction.dropFirst(leadingZeros))
            exponent = -leadingZeros - 1
        }
    }
    // Strip zeros that carry no information.
    while digits.count > 1, digits.hasSuffix("0") { digits.removeLast() }
    while digits.count > 1, digits.hasPrefix("0") { digits.removeFirst(); exponent -= 1 }
    let sign = value < 0 ? "-" : ""
    if exponent >= -4 && exponent < 16 {
        if exponent < 0 {
            return sign + "0." + String(repeating: "0", count: -exponent - 1) + digits
        }
        if digits.count <= exponent + 1 {
            return sign + digits + String(repeating: "0", count: exponent + 1 - digits.count) + ".0"
        }
        let split = digits.index(digits.startIndex, offsetBy: exponent + 1)
        return sign + digits[..<split] + "." + digits[split...]
    }
    let mantissa = digits.count == 1 ? digits : String(digits.first!) + "." + digits.dropFirst()
    let exponentText = String(abs(exponent))
    return sign + mantissa + "e" + (exponent < 0 ? "-" : "+") + (exponentText.count < 2 ? "0" : "") + exponentText
}
