/// One lexical token of a template, as jinja2's lexer yields them (comments and whitespace inside tags
/// are dropped; raw blocks arrive as plain data).
enum TokenKind: Equatable {
    case data(String)
    case variableBegin, variableEnd
    case blockBegin, blockEnd
    case name(String)
    case string(String)
    case integer(Int)
    case float(Double)
    /// An operator or punctuation: `+`, `//`, `(`, `|`, `,` ...
    case op(String)
    case eof
}

struct Token {
    let kind: TokenKind
    let location: SourceLocation

    /// How jinja2 names the token in syntax errors (`describe_token`).
    var description: String {
        switch kind {
        case .data: return "template data / text"
        case .variableBegin: return "begin of print statement"
        case .variableEnd: return "end of print statement"
        case .blockBegin: return "begin of statement block"
        case .blockEnd: return "end of statement block"
        case .name(let name): return name
        case .string: return "string"
        case .integer: return "integer"
        case .float: return "float"
        case .op(let op): return op
        case .eof: return "end of template"
        }
    }

    func isName(_ name: String) -> Bool {
        if case .name(let value) = kind { return value == name }
        return false
    }

    func isOp(_ op: String) -> Bool {
        if case .op(let value) = kind { return value == op }
        return false
    }

    var isEOF: Bool {
        if case .eof = kind { return true }
        return false
    }
}
