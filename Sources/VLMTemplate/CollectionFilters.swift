/// jinja2's sequence filters. Those that are generators in jinja2 (`map`, `select*`, `reject*`,
/// `unique`, `items`, `batch`, `slice`) return lazy one-shot iterators here too.
extension Interpreter {
    func callCollectionFilter(_ name: String, _ value: TemplateValue, _ arguments: CallArguments) throws -> TemplateValue {
        func bind(_ parameters: [String], required: Int = 0) throws -> [TemplateValue?] {
            try arguments.bind(name, parameters, required: required)
        }
        switch name {
        case "first":
            _ = try bind([])
            if case .iterator(let iterator) = value {
                return try iterator.next() ?? .undefined(Undefined(hint: "No first item, sequence was empty."))
            }
            return try pythonIterate(value).first ?? .undefined(Undefined(hint: "No first item, sequence was empty."))
        case "last":
            _ = try bind([])
            return try reversedItems(value).first ?? .undefined(Undefined(hint: "No last item, sequence was empty."))
        case "list":
            _ = try bind([])
            return .list(try pythonIterate(value))
        case "reverse":
            _ = try bind([])
            if case .string(let s) = value { return .string(String(String.UnicodeScalarView(s.unicodeScalars.reversed()))) }
            if case .iterator = value { return .list(try pythonIterate(value).reversed()) }
            do {
                return .iterator(ValueIterator(typeName: reverseIteratorName(value), items: try reversedItems(value)))
            } catch {
                throw RuntimeFailure(.runtime, "argument must be iterable")
            }
        case "join":
            let values = try bind(["d", "attribute"])
            let separator = pythonStr(values[0] ?? .string(""))
            var items = try pythonIterate(value)
            if let attribute = values[1], !attribute.isNoneValue {
                let getter = try attributeGetter(attribute)
                items = try items.map { try getter($0) }
            }
            return .string(items.map(pythonStr).joined(separator: separator))
        case "items":
            _ = try bind([])
            return lazy(value) { source in
                switch source {
                case .undefined: return []
                case .dict(let dict): return dict.items
                default: throw RuntimeFailure.type("Can only get item pairs from a mapping.")
                }
            }
        case "map": return try mapFilter(value, arguments)
        case "select", "reject", "selectattr", "rejectattr":
            return try selectFilter(value, arguments, keep: name.hasPrefix("select"), byAttribute: name.hasSuffix("attr"))
        case "unique":
            let values = try bind(["case_sensitive", "attribute"])
            let getter = try attributeGetter(values[1] ?? .none, ignoreCase: !(values[0]?.isTruthy ?? false))
            var seen = Set<HashKey>()
            var source: (() throws -> TemplateValue?)?
            return .iterator(ValueIterator {
                if source == nil { source = try itemSource(value) }
                while let item = try source!() {
                    if seen.insert(try HashKey(try getter(item))).inserted { return item }
                }
                return nil
            })
        case "sort":
            let values = try bind(["reverse", "case_sensitive", "attribute"])
            let getter = try multiAttributeGetter(values[2] ?? .none, ignoreCase: !(values[1]?.isTruthy ?? false))
            let reverse = values[0]?.isTruthy ?? false
            let keyed = try pythonIterate(value).map { (key: try getter($0), item: $0) }
            return .list(try stableSorted(keyed) { try pythonCompare(reverse ? $1.key : $0.key, reverse ? $0.key : $1.key, .less) }.map(\.item))
        case "dictsort":
            let values = try bind(["case_sensitive", "by", "reverse"])
            if case .undefined(let undefined) = value { throw undefined.failure }
            guard case .dict(let dict) = value else {
                throw RuntimeFailure.type("'\(value.typeName)' object has no attribute 'items'")
            }
            let by = try values[1]?.requireString("by") ?? "key"
            guard by == "key" || by == "value" else { throw RuntimeFailure(.runtime, "You can only sort by either \"key\" or \"value\"") }
            let caseSensitive = values[0]?.isTruthy ?? false
            let reverse = values[2]?.isTruthy ?? false
            let keyed = zip(dict.keys, dict.values).map { pair in
                (key: caseSensitive ? (by == "key" ? pair.0 : pair.1) : ignoringCase(by == "key" ? pair.0 : pair.1), pair: pair)
            }
            let sorted = try stableSorted(keyed) { try pythonCompare(reverse ? $1.key : $0.key, reverse ? $0.key : $1.key, .less) }
            return .list(sorted.map { .tuple([$0.pair.0, $0.pair.1]) })
        case "min", "max":
            let values = try bind(["case_sensitive", "attribute"])
            let getter = try attributeGetter(values[1] ?? .none, ignoreCase: !(values[0]?.isTruthy ?? false))
            let items = try pythonIterate(value)
            guard var best = items.first else { return .undefined(Undefined(hint: "No aggregated item, sequence was empty.")) }
            var bestKey = try getter(best)
            for item in items.dropFirst() {
                let key = try getter(item)
                if try pythonCompare(key, bestKey, name == "min" ? .less : .greater) {
                    best = item
                    bestKey = key
                }
            }
            return best
        case "sum":
            let values = try bind(["attribute", "start"])
            var total = values[1] ?? .int(0)
            if case .string = total { throw RuntimeFailure.type("sum() can't sum strings [use ''.join(seq) instead]") }
            let getter = try attributeGetter(values[0] ?? .none)
            for item in try pythonIterate(value) { total = try Arithmetic.binary(.add, total, try getter(item)) }
            return total
        case "batch":
            let values = try bind(["linecount", "fill_with"], required: 1)
            let size = try values[0]!.requireInt("linecount")
            guard size > 0 else { throw RuntimeFailure.value("batch size must be positive") }
            let fill = values[1].flatMap { $0.isNoneValue ? nil : $0 }
            return lazy(value) { source in
                let items = try pythonIterate(source)
                return stride(from: 0, to: items.count, by: size).map { start in
                    var chunk = Array(items[start..<min(start + size, items.count)])
                    if let fill, chunk.count < size { chunk += Array(repeating: fill, count: size - chunk.count) }
                    return .list(chunk)
                }
            }
        case "slice":
            let values = try bind(["slices", "fill_with"], required: 1)
            let slices = try values[0]!.requireInt("slices")
            let fill = values[1].flatMap { $0.isNoneValue ? nil : $0 }
            return lazy(value) { source in try sliceInto(try pythonIterate(source), slices: slices, fill: fill) }
        default:
            throw RuntimeFailure(.runtime, "No filter named '\(name)' found.")
        }
    }

    /// `map(attribute='x', default=...)` or `map('filter', *args, **kwargs)`. Like jinja2's generator,
    /// the arguments are only checked when the first item is pulled.
    private func mapFilter(_ value: TemplateValue, _ arguments: CallArguments) throws -> TemplateValue {
        lazyGenerator(value) {
            if arguments.positional.isEmpty, let attribute = arguments.keywords.first(where: { $0.name == "attribute" })?.value {
                if let unexpected = arguments.keywords.first(where: { $0.name != "attribute" && $0.name != "default" }) {
                    throw RuntimeFailure(.runtime, "Unexpected keyword argument \(pythonRepr(string: unexpected.name))")
                }
                let fallback = arguments.keywords.first { $0.name == "default" }?.value
                let getter = try self.attributeGetter(attribute, default: fallback)
                return { try getter($0) }
            }
            guard let filter = arguments.positional.first else {
                throw RuntimeFailure(.runtime, "map requires a filter argument")
            }
            let name = try filter.requireString("filter name")
            guard filterNames.contains(name) else { throw RuntimeFailure(.runtime, "No filter named '\(name)'.") }
            let rest = CallArguments(positional: Array(arguments.positional.dropFirst()), keywords: arguments.keywords)
            return { try self.callFilter(name, $0, rest) }
        }
    }

    /// `select('test', ...)`, `reject(...)`, and the `...attr` forms that test an attribute.
    private func selectFilter(_ value: TemplateValue, _ arguments: CallArguments, keep: Bool, byAttribute: Bool) throws -> TemplateValue {
        lazyGenerator(value) {
            var rest = arguments.positional
            var extract: (TemplateValue) throws -> TemplateValue = { $0 }
            if byAttribute {
                guard let attribute = rest.first else { throw RuntimeFailure(.runtime, "Missing parameter for attribute name") }
                extract = try self.attributeGetter(attribute)
                rest.removeFirst()
            }
            guard let test = rest.first else { return { try extract($0).isTruthy == keep ? $0 : nil } }
            let name = try test.requireString("test name")
            let testArguments = CallArguments(positional: Array(rest.dropFirst()), keywords: arguments.keywords)
            return { try self.applyTest(name, try extract($0), testArguments) == keep ? $0 : nil }
        }
    }

    /// jinja2's `make_attrgetter`: `"a.b.0"` looks up `a`, then `b`, then item 0.
    func attributeGetter(_ attribute: TemplateValue, ignoreCase: Bool = false, default fallback: TemplateValue? = nil) throws -> (TemplateValue) throws -> TemplateValue {
        let parts: [TemplateValue]
        switch attribute {
        case .none: parts = []
        case .string(let path):
            parts = path.split(separator: ".", omittingEmptySubsequences: false).map { part in
                part.allSatisfy(\.isASCIIDigitCharacter) && !part.isEmpty ? .int(Int(part) ?? 0) : .string(String(part))
            }
        default: parts = [attribute]
        }
        return { item in
            var current = item
            for part in parts {
                current = try getItem(current, part)
                if let fallback, !fallback.isNoneValue, current.isUndefined { current = fallback }
            }
            return ignoreCase ? ignoringCase(current) : current
        }
    }

    /// `sort`'s getter: a comma-separated attribute list gives a list key.
    private func multiAttributeGetter(_ attribute: TemplateValue, ignoreCase: Bool) throws -> (TemplateValue) throws -> TemplateValue {
        let getters: [(TemplateValue) throws -> TemplateValue]
        if case .string(let text) = attribute {
            getters = try text.split(separator: ",", omittingEmptySubsequences: false).map {
                try attributeGetter(.string(String($0)), ignoreCase: ignoreCase)
            }
        } else {
            getters = [try attributeGetter(attribute, ignoreCase: ignoreCase)]
        }
        return { item in .list(try getters.map { try $0(item) }) }
    }

    /// jinja2's `if value:` generators (`map`, `select`, `reject`...): nothing when `value` is falsy;
    /// otherwise `prepare` runs when the first item is pulled and gives the per-item step (nil skips).
    private func lazyGenerator(_ value: TemplateValue,
                               _ prepare: @escaping () throws -> (TemplateValue) throws -> TemplateValue?) -> TemplateValue
    {
        var source: (() throws -> TemplateValue?)?
        var step: ((TemplateValue) throws -> TemplateValue?)?
        return .iterator(ValueIterator {
            if source == nil {
                guard value.isTruthy else { source = { nil }; return nil }
                step = try prepare()
                source = try itemSource(value)
            }
            while let item = try source!() {
                if let result = try step!(item) { return result }
            }
            return nil
        })
    }

    /// A generator whose items are computed from the whole value on first use.
    private func lazy(_ value: TemplateValue, _ produce: @escaping (TemplateValue) throws -> [TemplateValue]) -> TemplateValue {
        var items: [TemplateValue]?
        var position = 0
        return .iterator(ValueIterator {
            if items == nil { items = try produce(value) }
            guard position < items!.count else { return nil }
            defer { position += 1 }
            return items![position]
        })
    }
}

extension Character {
    var isASCIIDigitCharacter: Bool { isASCII && isNumber }
}

/// Pulls items one at a time (an iterator stays lazy; anything else is iterated up front).
private func itemSource(_ value: TemplateValue) throws -> () throws -> TemplateValue? {
    if case .iterator(let iterator) = value { return { try iterator.next() } }
    let items = try pythonIterate(value)
    var position = 0
    return {
        guard position < items.count else { return nil }
        defer { position += 1 }
        return items[position]
    }
}

/// jinja2's `ignore_case` postprocessor: strings compare lowercased.
private func ignoringCase(_ value: TemplateValue) -> TemplateValue {
    if case .string(let s) = value { return .string(PythonStrings.lower(s)) }
    return value
}

/// Python `reversed(x)` materialised; TypeError for what is not reversible.
private func reversedItems(_ value: TemplateValue) throws -> [TemplateValue] {
    switch value {
    case .string, .list, .tuple, .dict, .dictView, .undefined: return try pythonIterate(value).reversed()
    default: throw RuntimeFailure.type("'\(value.typeName)' object is not reversible")
    }
}

private func reverseIteratorName(_ value: TemplateValue) -> String {
    switch value {
    case .list: return "list_reverseiterator"
    case .dict, .dictView(.keys, _): return "dict_reversekeyiterator"
    case .dictView(.values, _): return "dict_reversevalueiterator"
    case .dictView(.items, _): return "dict_reverseitemiterator"
    default: return "reversed"
    }
}

/// jinja2's `slice` filter: `slices` columns, the first ones one longer, optionally padded.
private func sliceInto(_ items: [TemplateValue], slices: Int, fill: TemplateValue?) throws -> [TemplateValue] {
    guard slices != 0 else { throw RuntimeFailure(.arithmetic, "integer division or modulo by zero") }
    guard slices > 0 else { return [] }
    let perSlice = items.count / slices
    let withExtra = items.count % slices
    var offset = 0
    var result: [TemplateValue] = []
    for number in 0..<slices {
        let start = offset + number * perSlice
        if number < withExtra { offset += 1 }
        let end = offset + (number + 1) * perSlice
        var chunk = Array(items[min(start, items.count)..<min(end, items.count)])
        if let fill, number >= withExtra { chunk.append(fill) }
        result.append(.list(chunk))
    }
    return result
}
