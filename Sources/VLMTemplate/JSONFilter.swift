import VLMJSON

/// transformers' `tojson` filter: `json.dumps(x, ensure_ascii=False, indent=indent,
/// separators=separators, sort_keys=sort_keys)` (not jinja2's HTML-escaping one).
func toJSONFilter(_ value: TemplateValue, _ arguments: CallArguments) throws -> TemplateValue {
    let values = try arguments.bind("tojson", ["ensure_ascii", "indent", "separators", "sort_keys"])
    var options = JSONWriteOptions(ensureASCII: values[0]?.isTruthy ?? false)
    switch values[1] {
    case nil, .none?: break
    case .string(let text)?: options = JSONWriteOptions(ensureASCII: options.ensureASCII, indentText: text)
    case let indent?: options = JSONWriteOptions(ensureASCII: options.ensureASCII, indent: try indent.requireInt("indent"))
    }
    if let separators = values[2], !separators.isNoneValue {
        let parts = try pythonIterate(separators)
        guard parts.count == 2 else {
            throw RuntimeFailure.value("too many values to unpack (expected 2)")
        }
        options.itemSeparator = try parts[0].requireString("separator")
        options.keySeparator = try parts[1].requireString("separator")
    }
    let sortKeys = values[3]?.isTruthy ?? false
    return .string(try jsonValue(value, sortKeys: sortKeys).serialized(options))
}

/// The JSON document `json.dumps` would write for a value, or its TypeError.
func jsonValue(_ value: TemplateValue, sortKeys: Bool) throws -> JSONValue {
    switch value {
    case .none: return .null
    case .bool(let b): return .bool(b)
    case .int(let i): return .int(i)
    case .double(let d): return .double(d)
    case .string(let s): return .string(s)
    case .list(let items), .tuple(let items): return .array(try items.map { try jsonValue($0, sortKeys: sortKeys) })
    case .dict(let dict):
        var pairs = Array(zip(dict.keys, dict.values))
        if sortKeys { pairs = try stableSorted(pairs) { try pythonCompare($0.0, $1.0, .less) } }
        var object = JSONObject()
        object.reserveCapacity(pairs.count)
        for (key, item) in pairs { object[try jsonKey(key)] = try jsonValue(item, sortKeys: sortKeys) }
        return .object(object)
    default:
        throw RuntimeFailure.type("Object of type \(value.typeName) is not JSON serializable")
    }
}

/// json.dumps turns these key types into strings.
private func jsonKey(_ key: TemplateValue) throws -> String {
    switch key {
    case .string(let s): return s
    case .int(let i): return String(i)
    case .double(let d): return pythonFloatRepr(d, json: true)
    case .bool(let b): return b ? "true" : "false"
    case .none: return "null"
    default: throw RuntimeFailure.type("keys must be str, int, float, bool or None, not \(key.typeName)")
    }
}

/// A stable merge sort whose comparison may throw (Python's `sorted` propagates comparison errors).
func stableSorted<T>(_ items: [T], by less: (T, T) throws -> Bool) throws -> [T] {
    guard items.count > 1 else { return items }
    let middle = items.count / 2
    let left = try stableSorted(Array(items[..<middle]), by: less)
    let right = try stableSorted(Array(items[middle...]), by: less)
    var merged: [T] = []
    merged.reserveCapacity(items.count)
    var i = 0
    var j = 0
    while i < left.count, j < right.count {
        if try less(right[j], left[i]) {
            merged.append(right[j])
            j += 1
        } else {
            merged.append(left[i])
            i += 1
        }
    }
    merged += left[i...]
    merged += right[j...]
    return merged
}
