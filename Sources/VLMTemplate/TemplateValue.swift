import VLMJSON

/// A value inside a template, with Python's types: what jinja2 templates see when transformers renders
/// them. Lists and dicts are values (the immutable sandbox forbids mutating them); namespaces, loops,
/// generators and functions are objects.
public enum TemplateValue {
    case undefined(Undefined)
    case none
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case list([TemplateValue])
    case tuple([TemplateValue])
    case dict(TemplateDict)
    /// `d.keys()`, `d.values()`, `d.items()`.
    case dictView(DictViewKind, TemplateDict)
    case namespace(Namespace)
    /// A one-shot iterator: the generators `map`/`select`/`items` return, `reversed(list)`.
    case iterator(ValueIterator)
    case function(TemplateFunction)
    case loop(LoopContext)

    /// A JSON document as the value `json.loads` gives Python.
    public init(json: JSONValue) {
        switch json {
        case .null: self = .none
        case .bool(let b): self = .bool(b)
        case .int(let i): self = .int(i)
        case .double(let d): self = .double(d)
        case .string(let s): self = .string(s)
        case .array(let items): self = .list(items.map(TemplateValue.init(json:)))
        case .object(let object):
            var dict = TemplateDict()
            dict.reserveCapacity(object.count)
            for (key, value) in object { dict.setString(key, TemplateValue(json: value)) }
            self = .dict(dict)
        }
    }

    public static func undefined(_ name: String) -> TemplateValue { .undefined(Undefined(variable: name)) }

    public var isUndefined: Bool {
        if case .undefined = self { return true }
        return false
    }

    /// Python's `bool(x)`.
    var isTruthy: Bool {
        switch self {
        case .undefined, .none: return false
        case .bool(let b): return b
        case .int(let i): return i != 0
        case .double(let d): return d != 0
        case .string(let s): return !s.isEmpty
        case .list(let items), .tuple(let items): return !items.isEmpty
        case .dict(let dict), .dictView(_, let dict): return !dict.isEmpty
        case .namespace, .iterator, .function, .loop: return true
        }
    }

    /// `type(x).__name__`, for error messages.
    var typeName: String {
        switch self {
        case .undefined: return "Undefined"
        case .none: return "NoneType"
        case .bool: return "bool"
        case .int: return "int"
        case .double: return "float"
        case .string: return "str"
        case .list: return "list"
        case .tuple: return "tuple"
        case .dict: return "dict"
        case .dictView(let kind, _): return kind.rawValue
        case .namespace: return "TemplateNamespace"
        case .iterator(let iterator): return iterator.typeName
        case .function(let function): return function.typeName
        case .loop: return "LoopContext"
        }
    }

    /// jinja2's `object_type_repr`: how an undefined-attribute error names the object.
    var objectTypeDescription: String {
        switch self {
        case .none: return "None"
        case .namespace: return "transformers.utils.chat_template_utils.TemplateNamespace object"
        case .loop: return "jinja2.runtime.LoopContext object"
        case .function(let function) where function.isMacro: return "jinja2.runtime.Macro object"
        case .undefined: return "jinja2.runtime.Undefined object"
        default: return "\(typeName) object"
        }
    }

    /// A value that cannot refer to an object (so it cannot close a reference cycle).
    var isPlainScalar: Bool {
        switch self {
        case .undefined, .none, .bool, .int, .double, .string: return true
        default: return false
        }
    }

    var isNumber: Bool {
        switch self {
        case .bool, .int, .double: return true
        default: return false
        }
    }
}

/// jinja2's default `Undefined`: prints as "", is falsy, iterates as empty, and raises (with this
/// message) on anything else. Unsafe attributes are undefined too, but raise a `SecurityError`.
public struct Undefined {
    let message: String
    let isSecurity: Bool

    init(hint: String, isSecurity: Bool = false) {
        message = hint
        self.isSecurity = isSecurity
    }

    init(variable name: String) {
        self.init(hint: "\(pythonRepr(string: name)) is undefined")
    }

    /// `obj.name` / `obj['name']` that does not exist.
    init(attribute name: String, of owner: TemplateValue) {
        self.init(hint: "\(pythonRepr(string: owner.objectTypeDescription)) has no attribute \(pythonRepr(string: name))")
    }

    /// `obj[key]` with a non-string key that does not exist.
    init(element key: TemplateValue, of owner: TemplateValue) {
        self.init(hint: "\(owner.objectTypeDescription) has no element \(pythonRepr(key))")
    }

    /// An attribute the sandbox refuses (`list.append`, `dict.update`).
    init(unsafe name: String, of owner: TemplateValue) {
        self.init(hint: "access to attribute \(pythonRepr(string: name)) of \(pythonRepr(string: owner.typeName)) object is unsafe.",
                  isSecurity: true)
    }

    var failure: RuntimeFailure { RuntimeFailure(isSecurity ? .security : .undefined, message) }
}

public enum DictViewKind: String {
    case keys = "dict_keys", values = "dict_values", items = "dict_items"
}
