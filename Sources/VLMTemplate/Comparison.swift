/// Python's `==`, ordering, `in`, `len()` and iteration over template values.

/// Python `a == b`: numbers across int/float/bool, strings by code point, containers element-wise,
/// objects by identity, and (jinja2) every undefined equal to every other undefined.
func pythonEquals(_ a: TemplateValue, _ b: TemplateValue) -> Bool {
    switch (a, b) {
    case (.undefined, .undefined), (.none, .none): return true
    case (.string(let x), .string(let y)): return x.utf8.elementsEqual(y.utf8)
    case (.list(let x), .list(let y)), (.tuple(let x), .tuple(let y)):
        return x.count == y.count && zip(x, y).allSatisfy { pythonEquals($0, $1) }
    case (.dict(let x), .dict(let y)):
        return dictsEqual(x, y)
    case (.dictView(.keys, let x), .dictView(.keys, let y)):
        return x.count == y.count && x.keys.allSatisfy { (try? y.contains($0)) == true }
    case (.dictView(.items, let x), .dictView(.items, let y)):
        return dictsEqual(x, y)
    case (.namespace(let x), .namespace(let y)): return x === y
    case (.iterator(let x), .iterator(let y)): return x === y
    case (.function(let x), .function(let y)): return x === y
    case (.loop(let x), .loop(let y)): return x === y
    default:
        guard let x = NumericValue(a), let y = NumericValue(b) else { return false }
        return x.compare(y) == 0
    }
}

private func dictsEqual(_ x: TemplateDict, _ y: TemplateDict) -> Bool {
    guard x.count == y.count else { return false }
    for (key, value) in zip(x.keys, x.values) {
        guard let other = try? y.value(for: key), pythonEquals(value, other) else { return false }
    }
    return true
}

/// A number for comparison: Python compares ints and floats exactly.
enum NumericValue {
    case int(Int)
    case double(Double)

    init?(_ value: TemplateValue) {
        switch value {
        case .bool(let b): self = .int(b ? 1 : 0)
        case .int(let i): self = .int(i)
        case .double(let d): self = .double(d)
        default: return nil
        }
    }

    /// -1, 0, 1, or nil when a NaN makes the values unordered.
    func compare(_ other: NumericValue) -> Int? {
        switch (self, other) {
        case (.int(let x), .int(let y)): return x < y ? -1 : (x == y ? 0 : 1)
        case (.double(let x), .double(let y)):
            if x.isNaN || y.isNaN { return nil }
            return x < y ? -1 : (x == y ? 0 : 1)
        case (.int(let x), .double(let y)): return NumericValue.compare(x, y)
        case (.double(let x), .int(let y)): return NumericValue.compare(y, x).map { -$0 }
        }
    }

    /// Exact int-versus-double comparison (no rounding of large ints).
    private static func compare(_ x: Int, _ y: Double) -> Int? {
        if y.isNaN { return nil }
        if y >= 9.223372036854775807e18 { return -1 }
        if y < -9.223372036854775808e18 { return 1 }
        let whole = y.rounded(.down)
        let truncated = Int(whole)
        if x != truncated { return x < truncated ? -1 : 1 }
        return whole == y ? 0 : -1
    }
}

enum Ordering: String {
    case less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
}

/// Python `a < b` (and friends): numbers, strings by code point, lists and tuples lexicographically.
func pythonCompare(_ a: TemplateValue, _ b: TemplateValue, _ ordering: Ordering) throws -> Bool {
    if case .undefined(let u) = a { throw u.failure }
    if case .undefined(let u) = b { throw u.failure }
    func holds(_ sign: Int) -> Bool {
        switch ordering {
        case .less: return sign < 0
        case .lessOrEqual: return sign <= 0
        case .greater: return sign > 0
        case .greaterOrEqual: return sign >= 0
        }
    }
    switch (a, b) {
    case (.string(let x), .string(let y)):
        if x.utf8.elementsEqual(y.utf8) { return holds(0) }
        return holds(x.utf8.lexicographicallyPrecedes(y.utf8) ? -1 : 1)
    case (.list(let x), .list(let y)), (.tuple(let x), .tuple(let y)):
        for (left, right) in zip(x, y) where !pythonEquals(left, right) {
            return try pythonCompare(left, right, ordering)
        }
        return holds(x.count < y.count ? -1 : (x.count == y.count ? 0 : 1))
    default:
        guard let x = NumericValue(a), let y = NumericValue(b) else {
            throw RuntimeFailure.type("'\(ordering.rawValue)' not supported between instances of '\(a.typeName)' and '\(b.typeName)'")
        }
        guard let sign = x.compare(y) else { return false }
        return holds(sign)
    }
}

/// One link of a comparison chain (`a < b`, `a in b`, ...).
func pythonCompare(_ left: TemplateValue, _ op: CompareOperator, _ right: TemplateValue) throws -> Bool {
    switch op {
    case .equal: return pythonEquals(left, right)
    case .notEqual: return !pythonEquals(left, right)
    case .less: return try pythonCompare(left, right, .less)
    case .lessOrEqual: return try pythonCompare(left, right, .lessOrEqual)
    case .greater: return try pythonCompare(left, right, .greater)
    case .greaterOrEqual: return try pythonCompare(left, right, .greaterOrEqual)
    case .contains: return try pythonContains(right, left)
    case .notContains: return !(try pythonContains(right, left))
    }
}

/// Python `item in container`.
func pythonContains(_ container: TemplateValue, _ item: TemplateValue) throws -> Bool {
    switch container {
    case .string(let text):
        guard case .string(let needle) = item else {
            throw RuntimeFailure.type("'in <string>' requires string as left operand, not \(item.typeName)")
        }
        return text.utf8.firstRange(of: needle.utf8) != nil || needle.isEmpty
    case .list(let items), .tuple(let items):
        return items.contains { pythonEquals($0, item) }
    case .dict(let dict), .dictView(.keys, let dict):
        return try dict.contains(item)
    case .dictView(.values, let dict):
        return dict.values.contains { pythonEquals($0, item) }
    case .dictView(.items, let dict):
        guard case .tuple(let pair) = item, pair.count == 2, let value = try? dict.value(for: pair[0]) else { return false }
        return pythonEquals(value, pair[1])
    case .undefined:
        return false
    case .iterator(let iterator):
        while let next = try iterator.next() {
            if pythonEquals(next, item) { return true }
        }
        return false
    default:
        throw RuntimeFailure.type("argument of type '\(container.typeName)' is not iterable")
    }
}

/// Python `len(x)`.
func pythonLength(_ value: TemplateValue) throws -> Int {
    switch value {
    case .undefined: return 0
    case .string(let s): return s.unicodeScalars.count
    case .list(let items), .tuple(let items): return items.count
    case .dict(let dict), .dictView(_, let dict): return dict.count
    case .namespace:
        throw RuntimeFailure.type("object of type 'TemplateNamespace' has no len()")
    default:
        throw RuntimeFailure.type("object of type '\(value.typeName)' has no len()")
    }
}

/// The items Python's `for x in value` visits: a string's characters, a dict's keys, an iterator's
/// remaining items; nothing for undefined.
func pythonIterate(_ value: TemplateValue) throws -> [TemplateValue] {
    switch value {
    case .undefined: return []
    case .string(let s): return s.unicodeScalars.map { .string(String($0)) }
    case .list(let items), .tuple(let items): return items
    case .dict(let dict), .dictView(.keys, let dict): return dict.keys
    case .dictView(.values, let dict): return dict.values
    case .dictView(.items, let dict): return dict.items
    case .iterator(let iterator): return try iterator.drain()
    case .loop(let loop): return loop.items
    default: throw RuntimeFailure.type("'\(value.typeName)' object is not iterable")
    }
}
