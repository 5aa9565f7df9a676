/// `obj.name`, `obj[key]` and slicing with the immutable sandbox's rules: attribute access prefers the
/// Python attribute (so `d.items` is the method) and falls back to the item; subscription prefers the
/// item and falls back to the attribute; a miss is undefined, not an error.

/// Mutating methods the ImmutableSandboxedEnvironment refuses.
private let unsafeListMethods: Set<String> = ["append", "clear", "pop", "reverse", "insert", "sort", "extend", "remove"]
private let unsafeDictMethods: Set<String> = ["clear", "pop", "popitem", "setdefault", "update"]

/// The Python attribute `name` of `value` (a bound method or a loop property), if it has one.
func pythonAttribute(_ value: TemplateValue, _ name: String) -> TemplateValue? {
    switch value {
    case .string(let s):
        return stringMethod(s, name).map { .function($0) }
    case .dict(let dict):
        if unsafeDictMethods.contains(name) { return .undefined(Undefined(unsafe: name, of: value)) }
        return dictMethod(dict, name).map { .function($0) }
    case .list(let items):
        if unsafeListMethods.contains(name) { return .undefined(Undefined(unsafe: name, of: value)) }
        return sequenceMethod(items, name).map { .function($0) }
    case .tuple(let items):
        return sequenceMethod(items, name).map { .function($0) }
    case .namespace(let namespace):
        return namespace.attributes[name]
    case .loop(let loop):
        return loopAttribute(loop, name)
    default:
        return nil
    }
}

func getAttribute(_ value: TemplateValue, _ name: String) throws -> TemplateValue {
    if case .undefined(let undefined) = value { throw undefined.failure }
    if let attribute = pythonAttribute(value, name) { return attribute }
    if case .dict(let dict) = value, let item = dict[name] { return item }
    return .undefined(Undefined(attribute: name, of: value))
}

func getItem(_ value: TemplateValue, _ key: TemplateValue) throws -> TemplateValue {
    switch value {
    case .undefined(let undefined):
        throw undefined.failure
    case .dict(let dict):
        if let item = try? dict.value(for: key) { return item }
    case .list(let items), .tuple(let items):
        if let index = integerIndex(key), let item = element(items, index) { return item }
    case .string(let s):
        if let index = integerIndex(key) {
            let scalars = Array(s.unicodeScalars)
            if let scalar = element(scalars, index) { return .string(String(scalar)) }
        }
    default:
        break
    }
    guard case .string(let name) = key else { return .undefined(Undefined(element: key, of: value)) }
    return pythonAttribute(value, name) ?? .undefined(Undefined(attribute: name, of: value))
}

private func integerIndex(_ key: TemplateValue) -> Int? {
    switch key {
    case .int(let i): return i
    case .bool(let b): return b ? 1 : 0
    default: return nil
    }
}

private func element<T>(_ items: [T], _ index: Int) -> T? {
    let position = index < 0 ? index + items.count : index
    return items.indices.contains(position) ? items[position] : nil
}

/// `value[start:stop:step]` with Python's `slice.indices` clamping. jinja2 compiles slices to plain
/// Python subscription (not the sandbox's forgiving getitem), so what cannot be sliced is a TypeError.
func slice(_ value: TemplateValue, start: TemplateValue, stop: TemplateValue, step: TemplateValue) throws -> TemplateValue {
    let bounds = [start, stop, step]
    let length: Int
    switch value {
    case .undefined(let undefined): throw undefined.failure
    case .list(let items), .tuple(let items): length = items.count
    case .string(let s): length = s.unicodeScalars.count
    case .dict: throw RuntimeFailure.type("unhashable type: 'slice'")
    default: throw RuntimeFailure.type("'\(value.typeName)' object is not subscriptable")
    }
    let indices = bounds.map { $0.isNoneValue ? nil : integerIndex($0) }
    for (bound, index) in zip(bounds, indices) where index == nil && !bound.isNoneValue {
        if case .undefined(let undefined) = bound { throw undefined.failure }
        throw RuntimeFailure.type("slice indices must be integers or None or have an __index__ method")
    }
    let positions = try slicePositions(length: length, start: indices[0], stop: indices[1], step: indices[2])
    switch value {
    case .list(let items): return .list(positions.map { items[$0] })
    case .tuple(let items): return .tuple(positions.map { items[$0] })
    default:
        let scalars = Array(pythonString(value).unicodeScalars)
        var out = String.UnicodeScalarView()
        for position in positions { out.append(scalars[position]) }
        return .string(String(out))
    }
}

func slicePositions(length: Int, start: Int?, stop: Int?, step: Int?) throws -> [Int] {
    let step = step ?? 1
    if step == 0 { throw RuntimeFailure.value("slice step cannot be zero") }
    let lower = step > 0 ? 0 : -1
    let upper = step > 0 ? length : length - 1
    func clamp(_ index: Int?, default fallback: Int) -> Int {
        guard var index else { return fallback }
        if index < 0 {
            index += length
            return max(index, lower)
        }
        return min(index, upper)
    }
    var position = clamp(start, default: step > 0 ? lower : upper)
    let end = clamp(stop, default: step > 0 ? upper : lower)
    var positions: [Int] = []
    while step > 0 ? position < end : position > end {
        positions.append(position)
        position += step
    }
    return positions
}

extension TemplateValue {
    var isNoneValue: Bool {
        if case .none = self { return true }
        return false
    }
}

private func pythonString(_ value: TemplateValue) -> String {
    if case .string(let s) = value { return s }
    return ""
}

private func loopAttribute(_ loop: LoopContext, _ name: String) -> TemplateValue? {
    let index0 = loop.index0
    switch name {
    case "index": return .int(index0 + 1)
    case "index0": return .int(index0)
    case "revindex": return .int(loop.length - index0)
    case "revindex0": return .int(loop.length - index0 - 1)
    case "first": return .bool(index0 == 0)
    case "last": return .bool(index0 == loop.length - 1)
    case "length": return .int(loop.length)
    case "depth": return .int(1)
    case "depth0": return .int(0)
    case "previtem":
        return index0 > 0 ? loop.items[index0 - 1] : .undefined(Undefined(hint: "there is no previous item"))
    case "nextitem":
        return index0 + 1 < loop.length ? loop.items[index0 + 1] : .undefined(Undefined(hint: "there is no next item"))
    case "cycle":
        return .function(TemplateFunction(name: "cycle", typeName: "method") { _, arguments in
            guard !arguments.positional.isEmpty else { throw RuntimeFailure.type("no items for cycling given") }
            return arguments.positional[loop.index0 % arguments.positional.count]
        })
    case "changed":
        return .function(TemplateFunction(name: "changed", typeName: "method") { _, arguments in
            let value = arguments.positional
            if let last = loop.lastChanged, pythonEquals(.tuple(last), .tuple(value)) { return .bool(false) }
            loop.lastChanged = value
            return .bool(true)
        })
    default: return nil
    }
}
