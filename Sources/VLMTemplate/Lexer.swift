/// Splits a template into tokens exactly as jinja2's lexer does with transformers' settings
/// (`trim_blocks=True`, `lstrip_blocks=True`, `keep_trailing_newline=False`): whitespace control with
/// `-` and `+`, comments, `{% raw %}`, and the brace balancing that lets `}}` close a dict inside `{{ }}`.
struct Lexer {
    private let source: [Unicode.Scalar]
    private let lineStarts: [Int]
    private var position = 0
    private var tokens: [Token] = []
    /// jinja2's `line_starting`: whether the last match ended with a newline (lstrip_blocks needs it).
    private var lineStarting = true

    static func tokenize(_ text: String) throws -> [Token] {
        var lexer = Lexer(source: normalizedSource(text))
        try lexer.run()
        return lexer.tokens
    }

    /// `\r\n` and `\r` become `\n`, and one trailing newline is dropped, as jinja2 does before lexing.
    private static func normalizedSource(_ text: String) -> [Unicode.Scalar] {
        var scalars: [Unicode.Scalar] = []
        scalars.reserveCapacity(text.utf8.count)
        var previousWasCR = false
        for scalar in text.unicodeScalars {
            if scalar == "\r" {
                scalars.append("\n")
                previousWasCR = true
                continue
            }
            if scalar == "\n" && previousWasCR {
                previousWasCR = false
                continue
            }
            previousWasCR = false
            scalars.append(scalar)
        }
        if scalars.last == "\n" { scalars.removeLast() }
        return scalars
    }

    private init(source: [Unicode.Scalar]) {
        self.source = source
        var starts = [0]
        for (index, scalar) in source.enumerated() where scalar == "\n" { starts.append(index + 1) }
        lineStarts = starts
    }

    private func location(_ index: Int) -> SourceLocation {
        var low = 0
        var high = lineStarts.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if lineStarts[mid] <= index { low = mid } else { high = mid - 1 }
        }
        return SourceLocation(line: low + 1, column: index - lineStarts[low] + 1)
    }

    private func error(_ message: String, at index: Int) -> TemplateError {
        TemplateError(.syntax, message, at: location(index))
    }

    private func matches(_ text: String, at index: Int) -> Bool {
        var i = index
        for scalar in text.unicodeScalars {
            guard i < source.count, source[i] == scalar else { return false }
            i += 1
        }
        return true
    }

    private func skipWhitespace(from index: Int) -> Int {
        var i = index
        while i < source.count, isPythonWhitespace(source[i]) { i += 1 }
        return i
    }

    private mutating func emit(_ kind: TokenKind, at index: Int) {
        tokens.append(Token(kind: kind, location: location(index)))
    }

    private mutating func run() throws {
        while position < source.count {
            try lexText()
        }
        emit(.eof, at: source.count)
    }

    private enum TagKind { case variable, block, comment, raw(contentStart: Int) }

    /// Template data up to the next tag, then the tag.
    private mutating func lexText() throws {
        var start = position
        var found: (index: Int, kind: TagKind, sign: Unicode.Scalar?, end: Int)?
        while start + 1 < source.count {
            if source[start] == "{" {
                if let raw = rawBegin(at: start) {
                    found = (start, .raw(contentStart: raw.end), raw.sign, raw.end)
                    break
                }
                let kind: TagKind?
                switch source[start + 1] {
                case "{": kind = .variable
                case "%": kind = .block
                case "#": kind = .comment
                default: kind = nil
                }
                if let kind {
                    var end = start + 2
                    var sign: Unicode.Scalar?
                    if end < source.count, source[end] == "-" || source[end] == "+" { sign = source[end]; end += 1 }
                    found = (start, kind, sign, end)
                    break
                }
            }
            start += 1
        }
        guard let tag = found else {
            emit(.data(String(String.UnicodeScalarView(source[position...]))), at: position)
            position = source.count
            return
        }
        var isVariable = false
        if case .variable = tag.kind { isVariable = true }
        let text = strippedText(position..<tag.index, sign: tag.sign, lstrip: !isVariable)
        if !text.isEmpty { emit(.data(String(String.UnicodeScalarView(source[text]))), at: text.lowerBound) }
        lineStarting = source[tag.end - 1] == "\n"
        position = tag.end
        switch tag.kind {
        case .variable:
            emit(.variableBegin, at: tag.index)
            try lexTag(isBlock: false)
        case .block:
            emit(.blockBegin, at: tag.index)
            try lexTag(isBlock: true)
        case .comment:
            try skipComment(openedAt: tag.index)
        case .raw:
            try lexRawContent(openedAt: tag.index)
        }
    }

    /// The text before a tag after whitespace control: `-` strips all whitespace before the tag; otherwise
    /// (unless `+`) lstrip_blocks removes spaces and tabs between a line start and a block or comment tag.
    private func strippedText(_ range: Range<Int>, sign: Unicode.Scalar?, lstrip: Bool) -> Range<Int> {
        var end = range.upperBound
        if sign == "-" {
            while end > range.lowerBound, isPythonWhitespace(source[end - 1]) { end -= 1 }
            return range.lowerBound..<end
        }
        guard sign != "+", lstrip else { return range }
        var lineStart = range.upperBound
        while lineStart > range.lowerBound, source[lineStart - 1] != "\n" { lineStart -= 1 }
        guard lineStart > range.lowerBound || lineStarting, lineStart < end else { return range }
        for i in lineStart..<end where !isPythonWhitespace(source[i]) { return range }
        return range.lowerBound..<lineStart
    }

    /// `{% raw %}` (with optional `-`/`+` and `-%}`); returns where its content starts.
    private func rawBegin(at index: Int) -> (sign: Unicode.Scalar?, end: Int)? {
        guard matches("{%", at: index) else { return nil }
        var i = index + 2
        var sign: Unicode.Scalar?
        if i < source.count, source[i] == "-" || source[i] == "+" { sign = source[i]; i += 1 }
        i = skipWhitespace(from: i)
        guard matches("raw", at: i) else { return nil }
        i = skipWhitespace(from: i + 3)
        if matches("-%}", at: i) { return (sign, skipWhitespace(from: i + 3)) }
        if matches("%}", at: i) { return (sign, i + 2) }
        return nil
    }

    private mutating func lexRawContent(openedAt opening: Int) throws {
        var k = position
        while k < source.count {
            if matches("{%", at: k) {
                var i = k + 2
                var sign: Unicode.Scalar?
                if i < source.count, source[i] == "-" || source[i] == "+" { sign = source[i]; i += 1 }
                i = skipWhitespace(from: i)
                if matches("endraw", at: i) {
                    i = skipWhitespace(from: i + 6)
                    if let end = blockEnd(at: i) {
                        let text = strippedText(position..<k, sign: sign, lstrip: true)
                        if !text.isEmpty { emit(.data(String(String.UnicodeScalarView(source[text]))), at: text.lowerBound) }
                        lineStarting = source[end - 1] == "\n"
                        position = end
                        return
                    }
                }
            }
            k += 1
        }
        throw error("Missing end of raw directive", at: opening)
    }

    /// The end of a `%}` tag at `index` with its whitespace control: `+%}` keeps what follows, `-%}`
    /// strips all following whitespace, `%}` drops one newline (trim_blocks).
    private func blockEnd(at index: Int) -> Int? {
        if matches("+%}", at: index) { return index + 3 }
        if matches("-%}", at: index) { return skipWhitespace(from: index + 3) }
        if matches("%}", at: index) { return index + 2 < source.count && source[index + 2] == "\n" ? index + 3 : index + 2 }
        return nil
    }

    private mutating func skipComment(openedAt opening: Int) throws {
        var k = position
        while k < source.count {
            var end: Int?
            if matches("+#}", at: k) {
                end = k + 3
            } else if matches("-#}", at: k) {
                end = skipWhitespace(from: k + 3)
            } else if matches("#}", at: k) {
                end = k + 2 < source.count && source[k + 2] == "\n" ? k + 3 : k + 2
            }
            if let end {
                lineStarting = source[end - 1] == "\n"
                position = end
                return
            }
            k += 1
        }
        throw error("Missing end of comment tag", at: opening)
    }

    /// Tokens inside `{{ }}` or `{% %}` up to the closing tag; the closing tag only counts while no
    /// bracket is open.
    private mutating func lexTag(isBlock: Bool) throws {
        var brackets: [Unicode.Scalar] = []
        while position < source.count {
            if brackets.isEmpty {
                if isBlock, let end = blockEnd(at: position) {
                    emit(.blockEnd, at: position)
                    lineStarting = source[end - 1] == "\n"
                    position = end
                    return
                }
                if !isBlock {
                    if matches("-}}", at: position) {
                        emit(.variableEnd, at: position)
                        let end = skipWhitespace(from: position + 3)
                        lineStarting = source[end - 1] == "\n"
                        position = end
                        return
                    }
                    if matches("}}", at: position) {
                        emit(.variableEnd, at: position)
                        lineStarting = false
                        position += 2
                        return
                    }
                }
            }
            let scalar = source[position]
            if isPythonWhitespace(scalar) {
                position = skipWhitespace(from: position)
                lineStarting = source[position - 1] == "\n"
                continue
            }
            lineStarting = false
            if let (value, end) = try lexNumber(at: position) {
                emit(value, at: position)
                position = end
            } else if isIdentifierStart(scalar) {
                var end = position + 1
                while end < source.count, isIdentifierContinue(source[end]) { end += 1 }
                emit(.name(String(String.UnicodeScalarView(source[position..<end]))), at: position)
                position = end
            } else if scalar == "'" || scalar == "\"", let end = stringEnd(at: position) {
                let body = String(String.UnicodeScalarView(source[(position + 1)..<(end - 1)]))
                do {
                    emit(.string(try decodePythonEscapes(body)), at: position)
                } catch let failure as RuntimeFailure {
                    throw error(failure.message, at: position)
                }
                position = end
            } else if let op = operatorAt(position) {
                try balance(op, brackets: &brackets)
                emit(.op(op), at: position)
                position += op.unicodeScalars.count
            } else {
                throw error("unexpected char \(pythonRepr(string: String(scalar))) at \(position)", at: position)
            }
        }
    }

    private func balance(_ op: String, brackets: inout [Unicode.Scalar]) throws {
        switch op {
        case "{": brackets.append("}")
        case "(": brackets.append(")")
        case "[": brackets.append("]")
        case "}", ")", "]":
            guard let expected = brackets.popLast() else { throw error("unexpected '\(op)'", at: position) }
            if String(expected) != op { throw error("unexpected '\(op)', expected '\(expected)'", at: position) }
        default: break
        }
    }

    private static let operators = ["//", "**", "==", "!=", ">=", "<=",
                                    "+", "-", "/", "*", "%", "~", "[", "]", "(", ")", "{", "}",
                                    ">", "<", "=", ".", ":", "|", ",", ";"]

    private func operatorAt(_ index: Int) -> String? {
        Self.operators.first { matches($0, at: index) }
    }

    /// The index just past a quoted string literal starting at `index`, or nil when it is unterminated.
    private func stringEnd(at index: Int) -> Int? {
        let quote = source[index]
        var i = index + 1
        while i < source.count {
            if source[i] == "\\" { i += 2; continue }
            if source[i] == quote { return i + 1 }
            i += 1
        }
        return nil
    }

    private func isDigit(_ index: Int) -> Bool {
        index < source.count && source[index].value >= 0x30 && source[index].value <= 0x39
    }

    /// `\d+(_\d+)*`: the end of a digit group starting at `index`, or nil.
    private func digitGroupEnd(from index: Int) -> Int? {
        guard isDigit(index) else { return nil }
        var i = index
        while isDigit(i) { i += 1 }
        while i < source.count, source[i] == "_", isDigit(i + 1) {
            i += 1
            while isDigit(i) { i += 1 }
        }
        return i
    }

    private func exponentEnd(from index: Int) -> Int? {
        guard index < source.count, source[index] == "e" || source[index] == "E" else { return nil }
        var i = index + 1
        if i < source.count, source[i] == "+" || source[i] == "-" { i += 1 }
        return digitGroupEnd(from: i)
    }

    /// jinja2's float rule, then its integer rule (with 0b/0o/0x prefixes and `_` separators).
    private func lexNumber(at index: Int) throws -> (TokenKind, Int)? {
        guard isDigit(index) else { return nil }
        if index == 0 || source[index - 1] != ".", let integerEnd = digitGroupEnd(from: index) {
            var floatEnd: Int?
            if integerEnd < source.count, source[integerEnd] == ".", let fractionEnd = digitGroupEnd(from: integerEnd + 1) {
                floatEnd = exponentEnd(from: fractionEnd) ?? fractionEnd
            } else {
                floatEnd = exponentEnd(from: integerEnd)
            }
            if let end = floatEnd {
                let text = String(String.UnicodeScalarView(source[index..<end].filter { $0 != "_" }))
                guard let value = Double(text) else { throw error("invalid float literal", at: index) }
                return (.float(value), end)
            }
        }
        return try lexInteger(at: index)
    }

    private func lexInteger(at index: Int) throws -> (TokenKind, Int)? {
        var end = index
        var radix = 10
        var digits = ""
        if source[index] == "0", index + 1 < source.count {
            switch source[index + 1] {
            case "b", "B": radix = 2
            case "o", "O": radix = 8
            case "x", "X": radix = 16
            default: break
            }
        }
        if radix != 10 {
            var i = index + 2
            while true {
                let digitIndex = i < source.count && source[i] == "_" ? i + 1 : i
                guard digitIndex < source.count, Int(String(source[digitIndex]), radix: radix) != nil else { break }
                digits.unicodeScalars.append(source[digitIndex])
                i = digitIndex + 1
            }
            if !digits.isEmpty { end = i } else { radix = 10 }
        }
        if radix == 10 {
            // `[1-9](_?\d)*` or `0(_?0)*`
            let allowed: (Unicode.Scalar) -> Bool = source[index] == "0" ? { $0 == "0" } : { $0.value >= 0x30 && $0.value <= 0x39 }
            digits = String(source[index])
            var i = index + 1
            while true {
                let digitIndex = i < source.count && source[i] == "_" ? i + 1 : i
                guard digitIndex < source.count, allowed(source[digitIndex]) else { break }
                digits.unicodeScalars.append(source[digitIndex])
                i = digitIndex + 1
            }
            end = i
        }
        guard let value = Int(digits, radix: radix) else {
            throw error("integer literal \(digits) does not fit in 64 bits", at: index)
        }
        return (.integer(value), end)
    }
}

/// Identifier characters: ASCII letters, digits and `_`, plus Unicode letters and digits, as Python's
/// `str.isidentifier` allows.
func isIdentifierStart(_ scalar: Unicode.Scalar) -> Bool {
    scalar == "_" || (scalar.isASCII ? (scalar.properties.isAlphabetic) : scalar.properties.isXIDStart)
}

func isIdentifierContinue(_ scalar: Unicode.Scalar) -> Bool {
    scalar == "_" || (scalar.isASCII ? (scalar.properties.isAlphabetic || (scalar.value >= 0x30 && scalar.value <= 0x39))
        : scalar.properties.isXIDContinue)
}
