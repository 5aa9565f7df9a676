/// A Python dict: insertion-ordered, keyed by any hashable value with Python's key equality
/// (`1`, `1.0` and `True` are one key; strings compare by code point, not by canonical equivalence).
public struct TemplateDict {
    public private(set) var keys: [TemplateValue] = []
    public private(set) var values: [TemplateValue] = []
    private var index: [HashKey: Int] = [:]

    public init() {}

    public var count: Int { keys.count }
    public var isEmpty: Bool { keys.isEmpty }

    mutating func reserveCapacity(_ n: Int) {
        keys.reserveCapacity(n)
        values.reserveCapacity(n)
        index.reserveCapacity(n)
    }

    /// Sets a value; an existing key keeps its position (and its original key object), as in Python.
    mutating func set(_ key: TemplateValue, _ value: TemplateValue) throws {
        let hashKey = try HashKey(key)
        if let position = index[hashKey] {
            values[position] = value
        } else {
            index[hashKey] = keys.count
            keys.append(key)
            values.append(value)
        }
    }

    public mutating func setString(_ key: String, _ value: TemplateValue) {
        let hashKey = HashKey.string(ExactString(key))
        if let position = index[hashKey] {
            values[position] = value
        } else {
            index[hashKey] = keys.count
            keys.append(.string(key))
            values.append(value)
        }
    }

    /// The value for `key`; throws `TypeError` for an unhashable key, as `d[key]` does.
    func value(for key: TemplateValue) throws -> TemplateValue? {
        guard let position = index[try HashKey(key)] else { return nil }
        return values[position]
    }

    public subscript(key: String) -> TemplateValue? {
        guard let position = index[.string(ExactString(key))] else { return nil }
        return values[position]
    }

    func contains(_ key: TemplateValue) throws -> Bool { index[try HashKey(key)] != nil }

    var items: [TemplateValue] { zip(keys, values).map { .tuple([$0, $1]) } }
}

/// A string compared and hashed by its exact code points (Swift's String equality would merge
/// canonically equivalent strings, which Python keeps apart).
struct ExactString: Hashable {
    let value: String

    init(_ value: String) { self.value = value }

    static func == (lhs: ExactString, rhs: ExactString) -> Bool {
        lhs.value.utf8.elementsEqual(rhs.value.utf8)
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(value.utf8.count)
        for byte in value.utf8 { hasher.combine(byte) }
    }
}

/// Python's hash identity of a dict key or set member.
enum HashKey: Hashable {
    case none
    case undefined
    case integer(Int)
    case float(UInt64)
    case string(ExactString)
    case tuple([HashKey])
    case object(ObjectIdentifier)

    init(_ value: TemplateValue) throws {
        switch value {
        case .none: self = .none
        case .undefined: self = .undefined
        case .bool(let b): self = .integer(b ? 1 : 0)
        case .int(let i): self = .integer(i)
        case .double(let d):
            if d.rounded(.towardZero) == d, abs(d) < 9.2e18 {
                self = .integer(Int(d))
            } else {
                self = .float(d.bitPattern)
            }
        case .string(let s): self = .string(ExactString(s))
        case .tuple(let items): self = .tuple(try items.map(HashKey.init))
        case .namespace(let object): self = .object(ObjectIdentifier(object))
        case .iterator(let object): self = .object(ObjectIdentifier(object))
        case .function(let object): self = .object(ObjectIdentifier(object))
        case .loop(let object): self = .object(ObjectIdentifier(object))
        case .list, .dict, .dictView:
            throw RuntimeFailure.type("unhashable type: '\(value.typeName)'")
        }
    }
}
