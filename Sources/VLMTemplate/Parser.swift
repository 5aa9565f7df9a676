/// Builds the syntax tree from tokens, following jinja2's parser rule for rule (statements here,
/// expressions in ExpressionParser.swift), with jinja2's error messages.
struct Parser {
    static let maximumNesting = 200

    var tokens: [Token]
    var index = 0
    /// The tags we are inside (`for`, `if`, ...) and the end tags each is waiting for, for error messages.
    var tagStack: [String] = []
    var endTokenStack: [[String]] = []
    var loopDepth = 0
    var nesting = 0
    /// Inside an `if` or inline-if (and not in a nested loop or macro), an unknown filter or test only
    /// fails when it runs; elsewhere jinja2 refuses to compile. Unknown names are collected and checked at
    /// the end so that an inline-if can forgive the ones already parsed in its first operand.
    var isSoft = false
    var unknownNames: [(error: TemplateError, isSoft: Bool)] = []

    static func parse(_ tokens: [Token]) throws -> ScopeBody {
        var parser = Parser(tokens: tokens)
        let body = try parser.subparse(endTokens: nil)
        if let first = parser.unknownNames.first(where: { !$0.isSoft }) { throw first.error }
        return ScopeBody(body, parameters: [])
    }

    // MARK: token stream

    var current: Token { tokens[index] }

    func look() -> Token { tokens[min(index + 1, tokens.count - 1)] }

    @discardableResult
    mutating func advance() -> Token {
        let token = tokens[index]
        if index < tokens.count - 1 { index += 1 }
        return token
    }

    func fail(_ message: String, at location: SourceLocation? = nil) -> TemplateError {
        TemplateError(.syntax, message, at: location ?? current.location)
    }

    mutating func expectOp(_ op: String) throws {
        guard current.isOp(op) else { throw unexpected(expected: op) }
        advance()
    }

    mutating func expectName() throws -> String {
        guard case .name(let name) = current.kind else { throw unexpected(expected: "name") }
        advance()
        return name
    }

    mutating func expectKeyword(_ name: String) throws {
        guard current.isName(name) else { throw unexpected(expected: name) }
        advance()
    }

    mutating func expectBlockEnd() throws {
        guard case .blockEnd = current.kind else { throw unexpected(expected: "end of statement block") }
        advance()
    }

    func unexpected(expected: String) -> TemplateError {
        if current.isEOF { return fail("unexpected end of template, expected '\(expected)'.") }
        return fail("expected token '\(expected)', got '\(current.description)'")
    }

    mutating func enterNesting() throws {
        nesting += 1
        if nesting > Self.maximumNesting {
            throw TemplateError(.limit, "template nesting deeper than \(Self.maximumNesting) levels", at: current.location)
        }
    }

    // MARK: statements

    mutating func subparse(endTokens: [String]?) throws -> [Statement] {
        var body: [Statement] = []
        if let endTokens { endTokenStack.append(endTokens) }
        defer { if endTokens != nil { endTokenStack.removeLast() } }
        while !current.isEOF {
            let token = current
            switch token.kind {
            case .data(let text):
                body.append(Statement(kind: .text(text), location: token.location))
                advance()
            case .variableBegin:
                advance()
                let expression = try parseTuple(withConditional: true)
                body.append(Statement(kind: .output(expression), location: expression.location))
                guard case .variableEnd = current.kind else { throw unexpected(expected: "end of print statement") }
                advance()
            case .blockBegin:
                advance()
                if let endTokens, case .name(let name) = current.kind, endTokens.contains(name) { return body }
                body.append(try parseStatement())
                try expectBlockEnd()
            default:
                throw fail("internal parsing error: unexpected \(token.description)")
            }
        }
        return body
    }

    /// A block body up to one of `endTokens` (left as the current token unless `dropNeedle`).
    mutating func parseStatements(_ endTokens: [String], dropNeedle: Bool = false) throws -> [Statement] {
        if current.isOp(":") { advance() }
        try expectBlockEnd()
        try enterNesting()
        defer { nesting -= 1 }
        let body = try subparse(endTokens: endTokens)
        if current.isEOF { throw failEOF(endTokens) }
        if dropNeedle { advance() }
        return body
    }

    func failEOF(_ endTokens: [String]?) -> TemplateError {
        var stack = endTokenStack
        if let endTokens { stack.append(endTokens) }
        return unknownTagError(nil, stack: stack)
    }

    func unknownTagError(_ name: String?, stack: [[String]], at location: SourceLocation? = nil) -> TemplateError {
        var message = [name.map { "Encountered unknown tag '\($0)'." } ?? "Unexpected end of template."]
        if let looking = stack.last {
            let expected = Set(stack.joined())
            let currently = looking.map { "'\($0)'" }.joined(separator: " or ")
            if let name, expected.contains(name) {
                message.append("You probably made a nesting mistake. Jinja is expecting this tag, but currently looking for \(currently).")
            } else {
                message.append("Jinja was looking for the following tags: \(currently).")
            }
        }
        if let innermost = tagStack.last { message.append("The innermost block that needs to be closed is '\(innermost)'.") }
        return fail(message.joined(separator: " "), at: location)
    }

    mutating func parseStatement() throws -> Statement {
        guard case .name(let tag) = current.kind else { throw fail("tag name expected") }
        let location = current.location
        let unsupported: Set<String> = ["block", "extends", "include", "import", "from", "autoescape"]
        if unsupported.contains(tag) {
            throw fail("the '\(tag)' tag is not supported in chat templates (there is no template loader)")
        }
        let known: Set<String> = ["for", "if", "set", "macro", "call", "filter", "with", "print", "break", "continue", "generation"]
        guard known.contains(tag) else { throw unknownTagError(tag, stack: endTokenStack) }
        tagStack.append(tag)
        defer { tagStack.removeLast() }
        advance()
        let kind: Statement.Kind
        switch tag {
        case "for": kind = try parseFor()
        case "if": kind = try parseIf()
        case "set": kind = try parseSet()
        case "macro": kind = .macro(try parseMacro())
        case "call": kind = try parseCallBlock(location: location)
        case "filter": kind = try nonSoft { try $0.parseFilterBlock() }
        case "with": kind = try parseWith()
        case "print": kind = try parsePrint()
        case "generation":
            kind = .scoped(ScopeBody(try nonSoft { try $0.parseStatements(["endgeneration"], dropNeedle: true) }, parameters: []))
        default:
            guard loopDepth > 0 else { throw fail("'\(tag)' outside loop", at: location) }
            kind = tag == "break" ? .breakLoop : .continueLoop
        }
        return Statement(kind: kind, location: location)
    }

    /// Parses a construct whose body jinja2 compiles in a new (non-soft) frame.
    mutating func nonSoft<T>(_ body: (inout Parser) throws -> T) rethrows -> T {
        let saved = isSoft
        isSoft = false
        defer { isSoft = saved }
        return try body(&self)
    }

    mutating func parseFor() throws -> Statement.Kind {
        let target = try parseAssignTarget(extraEnd: ["in"])
        try expectKeyword("in")
        let iterable = try parseTuple(withConditional: false, extraEnd: ["recursive"])
        var condition: Expression?
        let saved = (isSoft, loopDepth)
        isSoft = false
        defer { (isSoft, loopDepth) = saved }
        if current.isName("if") {
            advance()
            condition = try parseExpression()
        }
        if current.isName("recursive") { throw fail("recursive loops are not supported in chat templates") }
        loopDepth += 1
        let body = try parseStatements(["endfor", "else"])
        loopDepth = saved.1
        var otherwise: [Statement] = []
        if advance().isName("else") { otherwise = try parseStatements(["endfor"], dropNeedle: true) }
        return .forLoop(ForLoop(target: target, iterable: iterable, condition: condition,
                                body: ScopeBody(body, parameters: target.names), otherwise: ScopeBody(otherwise, parameters: [])))
    }

    mutating func parseIf() throws -> Statement.Kind {
        let saved = isSoft
        isSoft = true
        defer { isSoft = saved }
        var branches: [(test: Expression, body: [Statement])] = []
        var otherwise: [Statement] = []
        while true {
            let test = try parseTuple(withConditional: false)
            let body = try parseStatements(["elif", "else", "endif"])
            branches.append((test, body))
            let token = advance()
            if token.isName("elif") { continue }
            if token.isName("else") { otherwise = try parseStatements(["endif"], dropNeedle: true) }
            break
        }
        return .conditional(branches: branches, otherwise: otherwise)
    }

    mutating func parseSet() throws -> Statement.Kind {
        let target = try parseAssignTarget(withNamespace: true)
        if current.isOp("=") {
            advance()
            return .assign(target, try parseTuple(withConditional: true))
        }
        return try nonSoft { parser in
            var filters: [FilterCall] = []
            while parser.current.isOp("|") {
                parser.advance()
                filters.append(try parser.parseFilterCall())
            }
            let body = try parser.parseStatements(["endset"], dropNeedle: true)
            return .assignBlock(target, filters: filters, body: ScopeBody(body, parameters: []))
        }
    }

    mutating func parseWith() throws -> Statement.Kind {
        var bindings: [(target: AssignTarget, value: Expression)] = []
        while !isBlockEnd {
            if !bindings.isEmpty { try expectOp(",") }
            let target = try parseAssignTarget()
            try expectOp("=")
            bindings.append((target, try parseExpression()))
        }
        let body = try nonSoft { try $0.parseStatements(["endwith"], dropNeedle: true) }
        return .with(bindings: bindings, body: ScopeBody(body, parameters: Set(bindings.flatMap { $0.target.names })))
    }

    var isBlockEnd: Bool {
        if case .blockEnd = current.kind { return true }
        return false
    }

    mutating func parsePrint() throws -> Statement.Kind {
        var items: [Expression] = []
        let location = current.location
        while !isBlockEnd {
            if !items.isEmpty { try expectOp(",") }
            items.append(try parseExpression())
        }
        return .output(Expression(kind: .concat(items), location: location))
    }

    mutating func parseFilterBlock() throws -> Statement.Kind {
        var filters = [try parseFilterCall()]
        while current.isOp("|") {
            advance()
            filters.append(try parseFilterCall())
        }
        return .filterBlock(filters, body: ScopeBody(try parseStatements(["endfilter"], dropNeedle: true), parameters: []))
    }

    mutating func parseSignature() throws -> [(name: String, defaultValue: Expression?)] {
        var parameters: [(name: String, defaultValue: Expression?)] = []
        try expectOp("(")
        while !current.isOp(")") {
            if !parameters.isEmpty { try expectOp(",") }
            let name = try expectName()
            if current.isOp("=") {
                advance()
                parameters.append((name, try parseExpression()))
            } else {
                if parameters.contains(where: { $0.defaultValue != nil }) {
                    throw fail("non-default argument follows default argument")
                }
                parameters.append((name, nil))
            }
        }
        try expectOp(")")
        return parameters
    }

    mutating func parseMacro() throws -> MacroDefinition {
        let name = try expectName()
        return try nonSoft { parser in
            let saved = parser.loopDepth
            parser.loopDepth = 0
            defer { parser.loopDepth = saved }
            let parameters = try parser.parseSignature()
            let body = try parser.parseStatements(["endmacro"], dropNeedle: true)
            return MacroDefinition(name: name, parameters: parameters, body: body)
        }
    }

    mutating func parseCallBlock(location: SourceLocation) throws -> Statement.Kind {
        let parameters = current.isOp("(") ? try nonSoft { try $0.parseSignature() } : []
        let call = try parseExpression()
        guard case .call = call.kind else { throw fail("expected call", at: location) }
        let body = try nonSoft { parser in
            let saved = parser.loopDepth
            parser.loopDepth = 0
            defer { parser.loopDepth = saved }
            return try parser.parseStatements(["endcall"], dropNeedle: true)
        }
        return .callBlock(caller: MacroDefinition(name: "caller", parameters: parameters, body: body), call: call)
    }

    /// An assignment target: a name, a tuple of names, or (for `set`) `namespace.attribute`.
    mutating func parseAssignTarget(extraEnd: [String] = [], withNamespace: Bool = false) throws -> AssignTarget {
        let expression = try parseTuple(simplified: true, extraEnd: extraEnd, withNamespace: withNamespace)
        return try assignTarget(expression)
    }

    func assignTarget(_ expression: Expression) throws -> AssignTarget {
        switch expression.kind {
        case .name(let name): return .name(name)
        case .tuple(let items): return .tuple(try items.map(assignTarget))
        case .attribute(let base, let attribute):
            if case .name(let name) = base.kind { return .namespaceAttribute(name, attribute) }
            throw fail("can't assign to 'getattr'", at: expression.location)
        case .literal: throw fail("can't assign to 'const'", at: expression.location)
        case .list: throw fail("can't assign to 'list'", at: expression.location)
        case .dict: throw fail("can't assign to 'dict'", at: expression.location)
        default: throw fail("can't assign to this expression", at: expression.location)
        }
    }
}

extension AssignTarget {
    /// The variable names an assignment binds.
    var names: Set<String> {
        switch self {
        case .name(let name): return [name]
        case .tuple(let items): return items.reduce(into: []) { $0.formUnion($1.names) }
        case .namespaceAttribute: return []
        }
    }
}

extension MacroDefinition {
    init(name: String, parameters: [(name: String, defaultValue: Expression?)], body: [Statement]) {
        var names = Set<String>()
        collectNames(in: body, into: &names)
        let bound = Set(parameters.map(\.name)).union(["caller", "varargs", "kwargs"])
        self.init(name: name, parameters: parameters, body: ScopeBody(body, parameters: bound),
                  catchesVarargs: names.contains("varargs"), catchesKeywords: names.contains("kwargs"),
                  catchesCaller: names.contains("caller"))
    }
}
