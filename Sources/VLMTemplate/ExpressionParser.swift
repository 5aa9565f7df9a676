/// Expressions, by jinja2's precedence (lowest first): inline `if`, `or`, `and`, `not`, comparisons and
/// `in`, `+ -`, `~`, `* / // %`, `**`, unary `- +`, then primaries with `.attr`, `[item]`, calls, filters
/// and tests. (As in jinja2, `-2**2` is 4 and `-x|abs` filters `-x`.)
extension Parser {
    mutating func parseExpression(withConditional: Bool = true) throws -> Expression {
        try enterNesting()
        defer { nesting -= 1 }
        return withConditional ? try parseConditional() : try parseOr()
    }

    /// A comma-separated tuple, or the single expression when there is no comma.
    mutating func parseTuple(simplified: Bool = false, withConditional: Bool = true, extraEnd: [String] = [],
                             explicitParentheses: Bool = false, withNamespace: Bool = false) throws -> Expression
    {
        let location = current.location
        var items: [Expression] = []
        var isTuple = false
        while true {
            if !items.isEmpty { try expectOp(",") }
            if isTupleEnd(extraEnd) { break }
            items.append(simplified ? try parsePrimary(withNamespace: withNamespace)
                : try parseExpression(withConditional: withConditional))
            if current.isOp(",") { isTuple = true } else { break }
        }
        if !isTuple {
            if let only = items.first { return only }
            if !explicitParentheses { throw fail("Expected an expression, got '\(current.description)'") }
        }
        return Expression(kind: .tuple(items), location: location)
    }

    func isTupleEnd(_ extraEnd: [String]) -> Bool {
        switch current.kind {
        case .variableEnd, .blockEnd: return true
        case .op(")"): return true
        case .name(let name): return extraEnd.contains(name)
        default: return false
        }
    }

    mutating func parseConditional() throws -> Expression {
        let location = current.location
        let unknownMark = unknownNames.count
        var expression = try parseOr()
        while current.isName("if") {
            // jinja2 compiles the whole inline-if in a soft frame, its first operand included.
            for i in unknownMark..<unknownNames.count { unknownNames[i].isSoft = true }
            advance()
            let saved = isSoft
            isSoft = true
            defer { isSoft = saved }
            let test = try parseOr()
            var otherwise: Expression?
            if current.isName("else") {
                advance()
                otherwise = try parseConditional()
            }
            expression = Expression(kind: .conditional(test: test, then: expression, otherwise: otherwise), location: location)
        }
        return expression
    }

    mutating func parseOr() throws -> Expression {
        var left = try parseAnd()
        while current.isName("or") {
            advance()
            left = Expression(kind: .or(left, try parseAnd()), location: left.location)
        }
        return left
    }

    mutating func parseAnd() throws -> Expression {
        var left = try parseNot()
        while current.isName("and") {
            advance()
            left = Expression(kind: .and(left, try parseNot()), location: left.location)
        }
        return left
    }

    mutating func parseNot() throws -> Expression {
        if current.isName("not") {
            let location = advance().location
            try enterNesting()
            defer { nesting -= 1 }
            return Expression(kind: .unary(.not, try parseNot()), location: location)
        }
        return try parseCompare()
    }

    mutating func parseCompare() throws -> Expression {
        let left = try parseMath1()
        var operations: [(op: CompareOperator, operand: Expression)] = []
        var location = left.location
        while true {
            let op: CompareOperator
            if case .op(let text) = current.kind, let compare = CompareOperator(rawValue: text), compare != .contains {
                op = compare
            } else if current.isName("in") {
                op = .contains
            } else if current.isName("not"), look().isName("in") {
                advance()
                op = .notContains
            } else {
                break
            }
            if operations.isEmpty { location = current.location }
            advance()
            operations.append((op, try parseMath1()))
        }
        if operations.isEmpty { return left }
        return Expression(kind: .compare(left, operations), location: location)
    }

    mutating func parseMath1() throws -> Expression {
        var left = try parseConcat()
        while current.isOp("+") || current.isOp("-") {
            let token = advance()
            let op: BinaryOperator = token.isOp("+") ? .add : .subtract
            left = Expression(kind: .binary(op, left, try parseConcat()), location: token.location)
        }
        return left
    }

    mutating func parseConcat() throws -> Expression {
        let first = try parseMath2()
        guard current.isOp("~") else { return first }
        let location = current.location
        var items = [first]
        while current.isOp("~") {
            advance()
            items.append(try parseMath2())
        }
        return Expression(kind: .concat(items), location: location)
    }

    mutating func parseMath2() throws -> Expression {
        var left = try parsePower()
        while case .op(let text) = current.kind, ["*", "/", "//", "%"].contains(text), let op = BinaryOperator(rawValue: text) {
            let token = advance()
            left = Expression(kind: .binary(op, left, try parsePower()), location: token.location)
        }
        return left
    }

    mutating func parsePower() throws -> Expression {
        var left = try parseUnary()
        while current.isOp("**") {
            let token = advance()
            left = Expression(kind: .binary(.power, left, try parseUnary()), location: token.location)
        }
        return left
    }

    mutating func parseUnary(withFilter: Bool = true) throws -> Expression {
        try enterNesting()
        defer { nesting -= 1 }
        var node: Expression
        if current.isOp("-") || current.isOp("+") {
            let token = advance()
            let operand = try parseUnary(withFilter: false)
            node = Expression(kind: .unary(token.isOp("-") ? .negate : .plus, operand), location: token.location)
        } else {
            node = try parsePrimary()
        }
        node = try parsePostfix(node)
        if withFilter { node = try parseFilterExpression(node) }
        return node
    }

    mutating func parsePrimary(withNamespace: Bool = false) throws -> Expression {
        let token = current
        switch token.kind {
        case .name(let name):
            advance()
            switch name {
            case "true", "True": return Expression(kind: .literal(.bool(true)), location: token.location)
            case "false", "False": return Expression(kind: .literal(.bool(false)), location: token.location)
            case "none", "None": return Expression(kind: .literal(.none), location: token.location)
            default: break
            }
            if withNamespace, current.isOp(".") {
                advance()
                let attribute = try expectName()
                let base = Expression(kind: .name(name), location: token.location)
                return Expression(kind: .attribute(base, attribute), location: token.location)
            }
            return Expression(kind: .name(name), location: token.location)
        case .string(var text):
            advance()
            while case .string(let more) = current.kind {
                text += more
                advance()
            }
            return Expression(kind: .literal(.string(text)), location: token.location)
        case .integer(let value):
            advance()
            return Expression(kind: .literal(.int(value)), location: token.location)
        case .float(let value):
            advance()
            return Expression(kind: .literal(.double(value)), location: token.location)
        case .op("("):
            advance()
            let inner = try parseTuple(explicitParentheses: true)
            try expectOp(")")
            return inner
        case .op("["):
            return try parseList()
        case .op("{"):
            return try parseDict()
        default:
            throw fail("unexpected '\(token.description)'")
        }
    }

    mutating func parseList() throws -> Expression {
        let location = advance().location
        var items: [Expression] = []
        while !current.isOp("]") {
            if !items.isEmpty { try expectOp(",") }
            if current.isOp("]") { break }
            items.append(try parseExpression())
        }
        try expectOp("]")
        return Expression(kind: .list(items), location: location)
    }

    mutating func parseDict() throws -> Expression {
        let location = advance().location
        var items: [(key: Expression, value: Expression)] = []
        while !current.isOp("}") {
            if !items.isEmpty { try expectOp(",") }
            if current.isOp("}") { break }
            let key = try parseExpression()
            try expectOp(":")
            items.append((key, try parseExpression()))
        }
        try expectOp("}")
        return Expression(kind: .dict(items), location: location)
    }

    mutating func parsePostfix(_ start: Expression) throws -> Expression {
        var node = start
        while true {
            if current.isOp(".") || current.isOp("[") {
                node = try parseSubscript(node)
            } else if current.isOp("(") {
                node = try parseCall(node)
            } else {
                return node
            }
        }
    }

    mutating func parseFilterExpression(_ start: Expression) throws -> Expression {
        var node = start
        while true {
            if current.isOp("|") {
                advance()
                node = Expression(kind: .filter(node, try parseFilterCall()), location: node.location)
            } else if current.isName("is") {
                node = try parseTest(node)
            } else if current.isOp("(") {
                node = try parseCall(node)
            } else {
                return node
            }
        }
    }

    mutating func parseSubscript(_ node: Expression) throws -> Expression {
        let token = advance()
        if token.isOp(".") {
            let attributeToken = advance()
            switch attributeToken.kind {
            case .name(let name):
                return Expression(kind: .attribute(node, name), location: token.location)
            case .integer(let value):
                let index = Expression(kind: .literal(.int(value)), location: attributeToken.location)
                return Expression(kind: .item(node, index), location: token.location)
            default:
                throw fail("expected name or number", at: attributeToken.location)
            }
        }
        var items: [Expression] = []
        while !current.isOp("]") {
            if !items.isEmpty { try expectOp(",") }
            items.append(try parseSubscribed())
        }
        try expectOp("]")
        let index = items.count == 1 ? items[0] : Expression(kind: .tuple(items), location: token.location)
        return Expression(kind: .item(node, index), location: token.location)
    }

    /// An index or a `start:stop:step` slice.
    mutating func parseSubscribed() throws -> Expression {
        let location = current.location
        var start: Expression?
        if current.isOp(":") {
            advance()
        } else {
            let node = try parseExpression()
            guard current.isOp(":") else { return node }
            advance()
            start = node
        }
        var stop: Expression?
        if !current.isOp(":"), !current.isOp("]"), !current.isOp(",") { stop = try parseExpression() }
        var step: Expression?
        if current.isOp(":") {
            advance()
            if !current.isOp("]"), !current.isOp(",") { step = try parseExpression() }
        }
        return Expression(kind: .slice(start: start, stop: stop, step: step), location: location)
    }

    mutating func parseCallArguments() throws -> Arguments {
        let open = current.location
        try expectOp("(")
        var arguments = Arguments()
        var requireComma = false
        func ensure(_ condition: Bool) throws {
            if !condition { throw fail("invalid syntax for function call expression", at: open) }
        }
        while !current.isOp(")") {
            if requireComma {
                try expectOp(",")
                if current.isOp(")") { break }
            }
            if current.isOp("*") {
                try ensure(arguments.spreadPositional == nil && arguments.spreadKeywords == nil)
                advance()
                arguments.spreadPositional = try parseExpression()
            } else if current.isOp("**") {
                try ensure(arguments.spreadKeywords == nil)
                advance()
                arguments.spreadKeywords = try parseExpression()
            } else if case .name(let key) = current.kind, look().isOp("=") {
                try ensure(arguments.spreadKeywords == nil)
                advance()
                advance()
                arguments.keywords.append((key, try parseExpression()))
            } else {
                try ensure(arguments.spreadPositional == nil && arguments.spreadKeywords == nil && arguments.keywords.isEmpty)
                arguments.positional.append(try parseExpression())
            }
            requireComma = true
        }
        try expectOp(")")
        return arguments
    }

    mutating func parseCall(_ node: Expression) throws -> Expression {
        let location = current.location
        return Expression(kind: .call(node, try parseCallArguments()), location: location)
    }

    mutating func parseDottedName() throws -> String {
        var name = try expectName()
        while current.isOp(".") {
            advance()
            name += "." + (try expectName())
        }
        return name
    }

    mutating func parseFilterCall() throws -> FilterCall {
        let location = current.location
        let name = try parseDottedName()
        let arguments = current.isOp("(") ? try parseCallArguments() : Arguments()
        var call = FilterCall(name: name, arguments: arguments, location: location)
        if !filterNames.contains(name) {
            call.isUnknownAtRuntime = true
            unknownNames.append((fail("No filter named '\(name)'.", at: location), isSoft))
        }
        return call
    }

    mutating func parseTest(_ node: Expression) throws -> Expression {
        let location = advance().location
        var negated = false
        if current.isName("not") {
            advance()
            negated = true
        }
        let nameLocation = current.location
        let name = try parseDottedName()
        var arguments = Arguments()
        switch current.kind {
        case .op("("):
            arguments = try parseCallArguments()
        case .name, .string, .integer, .float, .op("["), .op("{"):
            if current.isName("else") || current.isName("or") || current.isName("and") { break }
            if current.isName("is") { throw fail("You cannot chain multiple tests with is") }
            arguments.positional = [try parsePostfix(try parsePrimary())]
        default:
            break
        }
        var call = TestCall(name: name, arguments: arguments)
        if !testNames.contains(name) {
            call.isUnknownAtRuntime = true
            unknownNames.append((fail("No test named '\(name)'.", at: nameLocation), isSoft))
        }
        let test = Expression(kind: .test(node, call), location: location)
        return negated ? Expression(kind: .unary(.not, test), location: location) : test
    }
}
