/// Python's notion of whitespace (`str.isspace`, regex `\s` on str): ASCII whitespace, the information
/// separators 0x1C-0x1F, NEL, and the Unicode space separators and line/paragraph separators.
func isPythonWhitespace(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.value {
    case 0x09...0x0D, 0x1C...0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000:
        return true
    default:
        return false
    }
}

/// Python's `str.isprintable` for one character: what `repr` leaves unescaped.
func isPythonPrintable(_ scalar: Unicode.Scalar) -> Bool {
    if scalar == " " { return true }
    switch scalar.properties.generalCategory {
    case .control, .format, .surrogate, .privateUse, .unassigned, .lineSeparator, .paragraphSeparator, .spaceSeparator:
        return false
    default:
        return true
    }
}

/// Python's `repr(str)`: single quotes unless the text has a single quote and no double quote; `\\`,
/// `\n`, `\r`, `\t` and the quote escaped; other unprintable characters as `\xhh`, `\uhhhh`, `\Uhhhhhhhh`.
func pythonRepr(string: String) -> String {
    let hasSingle = string.utf8.contains(UInt8(ascii: "'"))
    let hasDouble = string.utf8.contains(UInt8(ascii: "\""))
    let quote: Unicode.Scalar = hasSingle && !hasDouble ? "\"" : "'"
    var out = String.UnicodeScalarView()
    out.append(quote)
    for scalar in string.unicodeScalars {
        switch scalar {
        case quote, "\\":
            out.append("\\")
            out.append(scalar)
        case "\n": out.append(contentsOf: "\\n".unicodeScalars)
        case "\r": out.append(contentsOf: "\\r".unicodeScalars)
        case "\t": out.append(contentsOf: "\\t".unicodeScalars)
        default:
            if isPythonPrintable(scalar) {
                out.append(scalar)
            } else if scalar.value < 0x100 {
                out.append(contentsOf: ("\\x" + hexDigits(scalar.value, width: 2)).unicodeScalars)
            } else if scalar.value < 0x10000 {
                out.append(contentsOf: ("\\u" + hexDigits(scalar.value, width: 4)).unicodeScalars)
            } else {
                out.append(contentsOf: ("\\U" + hexDigits(scalar.value, width: 8)).unicodeScalars)
            }
        }
    }
    out.append(quote)
    return String(out)
}

func hexDigits(_ value: UInt32, width: Int) -> String {
    let hex = String(value, radix: 16)
    return String(repeating: "0", count: max(0, width - hex.count)) + hex
}

/// A string literal's body as jinja2 decodes it: non-ASCII characters are first written as
/// `\x`/`\u`/`\U` escapes, then the whole text goes through Python's `unicode-escape` codec. (So
/// `'\é'` becomes a backslash followed by `xe9`, exactly as in jinja2.)
func decodePythonEscapes(_ body: String) throws -> String {
    guard body.utf8.contains(UInt8(ascii: "\\")) else { return body }
    var ascii: [UInt8] = []
    ascii.reserveCapacity(body.utf8.count)
    for scalar in body.unicodeScalars {
        if scalar.isASCII {
            ascii.append(UInt8(scalar.value))
        } else {
            let escape: String
            if scalar.value < 0x100 {
                escape = "\\x" + hexDigits(scalar.value, width: 2)
            } else if scalar.value < 0x10000 {
                escape = "\\u" + hexDigits(scalar.value, width: 4)
            } else {
                escape = "\\U" + hexDigits(scalar.value, width: 8)
            }
            ascii.append(contentsOf: escape.utf8)
        }
    }
    var out = String.UnicodeScalarView()
    var i = 0
    func hexValue(count: Int, name: String) throws -> UInt32 {
        guard i + count < ascii.count + 1 else { throw RuntimeFailure.value("truncated \(name) escape") }
        var value: UInt32 = 0
        for offset in 0..<count {
            guard i + offset < ascii.count, let digit = UInt32(String(UnicodeScalar(ascii[i + offset])), radix: 16) else {
                throw RuntimeFailure.value("truncated \(name) escape")
            }
            value = value * 16 + digit
        }
        i += count
        return value
    }
    while i < ascii.count {
        let byte = ascii[i]
        i += 1
        guard byte == UInt8(ascii: "\\") else {
            out.append(Unicode.Scalar(byte))
            continue
        }
        guard i < ascii.count else { throw RuntimeFailure.value("\\ at end of string") }
        let code = ascii[i]
        i += 1
        switch code {
        case UInt8(ascii: "\n"): break
        case UInt8(ascii: "\\"): out.append("\\")
        case UInt8(ascii: "'"): out.append("'")
        case UInt8(ascii: "\""): out.append("\"")
        case UInt8(ascii: "a"): out.append("\u{07}")
        case UInt8(ascii: "b"): out.append("\u{08}")
        case UInt8(ascii: "f"): out.append("\u{0C}")
        case UInt8(ascii: "n"): out.append("\n")
        case UInt8(ascii: "r"): out.append("\r")
        case UInt8(ascii: "t"): out.append("\t")
        case UInt8(ascii: "v"): out.append("\u{0B}")
        case UInt8(ascii: "0")...UInt8(ascii: "7"):
            var value = UInt32(code - UInt8(ascii: "0"))
            var digits = 1
            while digits < 3, i < ascii.count, ascii[i] >= UInt8(ascii: "0"), ascii[i] <= UInt8(ascii: "7") {
                value = value * 8 + UInt32(ascii[i] - UInt8(ascii: "0"))
                i += 1
                digits += 1
            }
            out.append(Unicode.Scalar(value) ?? "\u{FFFD}")
        case UInt8(ascii: "x"):
            out.append(Unicode.Scalar(try hexValue(count: 2, name: "\\xXX")) ?? "\u{FFFD}")
        case UInt8(ascii: "u"):
            // A lone surrogate is legal in Python but not in a Swift string.
            out.append(Unicode.Scalar(try hexValue(count: 4, name: "\\uXXXX")) ?? "\u{FFFD}")
        case UInt8(ascii: "U"):
            let value = try hexValue(count: 8, name: "\\UXXXXXXXX")
            guard value <= 0x10FFFF else { throw RuntimeFailure.value("illegal Unicode character") }
            out.append(Unicode.Scalar(value) ?? "\u{FFFD}")
        case UInt8(ascii: "N"):
            throw RuntimeFailure.value("\\N{...} escapes are not supported in chat templates")
        default:
            out.append("\\")
            out.append(Unicode.Scalar(code))
        }
    }
    return String(out)
}
