/// Encodes `Encodable` types into a `JSONValue`, keeping members in the order `encode(to:)` writes them
/// (Foundation's JSONEncoder does not), so wire output is stable and reads like the reference's.
/// Serialize the result with `serialized(.compact)`.
public struct JSONValueEncoder {
    public init() {}

    public func encode<T: Encodable>(_ value: T) throws -> JSONValue {
        let slot = EncodingSlot()
        try ValueEncoder(slot: slot, codingPath: []).encodeValue(value)
        return slot.resolved()
    }
}

/// One place in the document being built; containers write into slots they share with their parents.
final class EncodingSlot {
    enum Content {
        case empty
        case leaf(JSONValue)
        case object(keys: [String], members: [String: EncodingSlot])
        case array([EncodingSlot])
    }

    var content: Content = .empty

    func resolved() -> JSONValue {
        switch content {
        case .empty: return .null
        case .leaf(let value): return value
        case .object(let keys, let members):
            var object = JSONObject()
            object.reserveCapacity(keys.count)
            for key in keys { object[key] = members[key]?.resolved() ?? .null }
            return .object(object)
        case .array(let items): return .array(items.map { $0.resolved() })
        }
    }

    func member(_ key: String) -> EncodingSlot {
        var keys: [String] = []
        var members: [String: EncodingSlot] = [:]
        if case .object(let k, let m) = content { keys = k; members = m }
        if let existing = members[key] { return existing }
        let child = EncodingSlot()
        keys.append(key)
        members[key] = child
        content = .object(keys: keys, members: members)
        return child
    }

    func appended() -> EncodingSlot {
        var items: [EncodingSlot] = []
        if case .array(let existing) = content { items = existing }
        let child = EncodingSlot()
        items.append(child)
        content = .array(items)
        return child
    }

    var arrayCount: Int {
        if case .array(let items) = content { return items.count }
        return 0
    }
}

struct ValueEncoder: Encoder {
    let slot: EncodingSlot
    let codingPath: [CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func encodeValue<T: Encodable>(_ value: T) throws {
        switch value {
        case let v as JSONValue: slot.content = .leaf(v)
        case let v as String: slot.content = .leaf(.string(v))
        case let v as Bool: slot.content = .leaf(.bool(v))
        case let v as Int: slot.content = .leaf(.int(v))
        case let v as Double: slot.content = .leaf(.double(v))
        // Through Double, as Python prints a float32 torch value it got back: -0.12300000339746475.
        case let v as Float: slot.content = .leaf(.double(Double(v)))
        default: try value.encode(to: self)
        }
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        if case .object = slot.content {} else { slot.content = .object(keys: [], members: [:]) }
        return KeyedEncodingContainer(KeyedSlotContainer<Key>(slot: slot, codingPath: codingPath))
    }

    func unkeyedContainer() -> UnkeyedEncodingContainer {
        if case .array = slot.content {} else { slot.content = .array([]) }
        return UnkeyedSlotContainer(slot: slot, codingPath: codingPath)
    }

    func singleValueContainer() -> SingleValueEncodingContainer { self }
}

extension ValueEncoder: SingleValueEncodingContainer {
    func encodeNil() { slot.content = .leaf(.null) }
    func encode<T: Encodable>(_ value: T) throws { try encodeValue(value) }
}

struct KeyedSlotContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let slot: EncodingSlot
    let codingPath: [CodingKey]

    private func child(_ key: Key) -> ValueEncoder {
        ValueEncoder(slot: slot.member(key.stringValue), codingPath: codingPath + [key])
    }

    mutating func encodeNil(forKey key: Key) { child(key).encodeNil() }
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws { try child(key).encodeValue(value) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        child(key).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> UnkeyedEncodingContainer { child(key).unkeyedContainer() }
    mutating func superEncoder() -> Encoder { ValueEncoder(slot: slot.member("super"), codingPath: codingPath) }
    mutating func superEncoder(forKey key: Key) -> Encoder { child(key) }
}

struct UnkeyedSlotContainer: UnkeyedEncodingContainer {
    let slot: EncodingSlot
    let codingPath: [CodingKey]
    var count: Int { slot.arrayCount }

    private func next() -> ValueEncoder {
        ValueEncoder(slot: slot.appended(), codingPath: codingPath + [IndexKey(count)])
    }

    mutating func encodeNil() { next().encodeNil() }
    mutating func encode<T: Encodable>(_ value: T) throws { try next().encodeValue(value) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        next().container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer() -> UnkeyedEncodingContainer { next().unkeyedContainer() }
    mutating func superEncoder() -> Encoder { next() }
}

/// `JSONValue` inside Codable types: taken and written as is by our coders (order kept); through other
/// coders (Foundation's) it maps to the plain JSON kinds, objects in key order of that coder.
extension JSONValue: Codable {
    public init(from decoder: Decoder) throws {
        if let ours = decoder as? ValueDecoder { self = ours.value; return }
        if let container = try? decoder.container(keyedBy: StringCodingKey.self) {
            var object = JSONObject()
            for key in container.allKeys { object[key.stringValue] = try container.decode(JSONValue.self, forKey: key) }
            self = .object(object)
        } else if var container = try? decoder.unkeyedContainer() {
            var items: [JSONValue] = []
            while !container.isAtEnd { items.append(try container.decode(JSONValue.self)) }
            self = .array(items)
        } else {
            let single = try decoder.singleValueContainer()
            if single.decodeNil() { self = .null }
            else if let b = try? single.decode(Bool.self) { self = .bool(b) }
            else if let i = try? single.decode(Int.self) { self = .int(i) }
            else if let d = try? single.decode(Double.self) { self = .double(d) }
            else { self = .string(try single.decode(String.self)) }
        }
    }

    public func encode(to encoder: Encoder) throws {
        if let ours = encoder as? ValueEncoder { ours.slot.content = .leaf(self); return }
        switch self {
        case .null: var c = encoder.singleValueContainer(); try c.encodeNil()
        case .bool(let b): var c = encoder.singleValueContainer(); try c.encode(b)
        case .int(let i): var c = encoder.singleValueContainer(); try c.encode(i)
        case .double(let d): var c = encoder.singleValueContainer(); try c.encode(d)
        case .string(let s): var c = encoder.singleValueContainer(); try c.encode(s)
        case .array(let items): var c = encoder.unkeyedContainer(); for item in items { try c.encode(item) }
        case .object(let object):
            var c = encoder.container(keyedBy: StringCodingKey.self)
            for (key, value) in object { try c.encode(value, forKey: StringCodingKey(key)) }
        }
    }
}

/// A coding key for any member name (objects whose keys are not known in advance).
public struct StringCodingKey: CodingKey, Sendable {
    public let stringValue: String
    public var intValue: Int? { nil }
    public init(_ string: String) { stringValue = string }
    public init?(stringValue: String) { self.stringValue = stringValue }
    public init?(intValue: Int) { return nil }
}
