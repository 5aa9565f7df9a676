import VLMJSON

/// Python's `str(x)`: what `{{ x }}`, `~` and the `string` filter produce.
func pythonStr(_ value: TemplateValue) -> String {
    switch value {
    case .undefined: return ""
    case .string(let s): return s
    default: return pythonRepr(value)
    }
}

/// Python's `repr(x)`: how values look inside printed lists and dicts (`['a', None, True, 1.5]`).
func pythonRepr(_ value: TemplateValue) -> String {
    var out = ""
    var openNamespaces: [ObjectIdentifier] = []
    writeRepr(value, to: &out, openNamespaces: &openNamespaces)
    return out
}

private func writeRepr(_ value: TemplateValue, to out: inout String, openNamespaces: inout [ObjectIdentifier]) {
    switch value {
    case .undefined: out += "Undefined"
    case .none: out += "None"
    case .bool(let b): out += b ? "True" : "False"
    case .int(let i): out += String(i)
    case .double(let d): out += pythonFloatRepr(d)
    case .string(let s): out += pythonRepr(string: s)
    case .list(let items):
        out += "["
        writeItems(items, to: &out, openNamespaces: &openNamespaces)
        out += "]"
    case .tuple(let items):
        out += "("
        writeItems(items, to: &out, openNamespaces: &openNamespaces)
        out += items.count == 1 ? ",)" : ")"
    case .dict(let dict):
        writeDict(dict, to: &out, openNamespaces: &openNamespaces)
    case .dictView(let kind, let dict):
        out += kind.rawValue + "(["
        switch kind {
        case .keys: writeItems(dict.keys, to: &out, openNamespaces: &openNamespaces)
        case .values: writeItems(dict.values, to: &out, openNamespaces: &openNamespaces)
        case .items: writeItems(dict.items, to: &out, openNamespaces: &openNamespaces)
        }
        out += "])"
    case .namespace(let namespace):
        let id = ObjectIdentifier(namespace)
        if openNamespaces.contains(id) {
            // Python's recursion guard prints the inner dict as `{...}`.
            out += "<Namespace {...}>"
            return
        }
        openNamespaces.append(id)
        out += "<Namespace "
        writeDict(namespace.attributes, to: &out, openNamespaces: &openNamespaces)
        out += ">"
        openNamespaces.removeLast()
    case .iterator(let iterator): out += "<\(iterator.typeName) object>"
    case .function(let function):
        out += function.isMacro ? "<Macro \(pythonRepr(string: function.name))>" : "<built-in function \(function.name)>"
    case .loop(let loop): out += "<LoopContext \(loop.index0 + 1)/\(loop.length)>"
    }
}

private func writeItems(_ items: [TemplateValue], to out: inout String, openNamespaces: inout [ObjectIdentifier]) {
    for (position, item) in items.enumerated() {
        if position > 0 { out += ", " }
        writeRepr(item, to: &out, openNamespaces: &openNamespaces)
    }
}

private func writeDict(_ dict: TemplateDict, to out: inout String, openNamespaces: inout [ObjectIdentifier]) {
    out += "{"
    for position in 0..<dict.count {
        if position > 0 { out += ", " }
        writeRepr(dict.keys[position], to: &out, openNamespaces: &openNamespaces)
        out += ": "
        writeRepr(dict.values[position], to: &out, openNamespaces: &openNamespaces)
    }
    out += "}"
}
