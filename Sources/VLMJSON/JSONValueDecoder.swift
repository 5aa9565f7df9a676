/// Decodes `Decodable` types from an already parsed `JSONValue`: a request body is parsed once (with
/// line/column errors), typed fields come out through Codable, and any member declared as `JSONValue`
/// keeps its key order (chat templates see messages exactly as sent).
///
/// Numbers: an integer field also takes an integral float (`2.0`), as Pydantic's lax mode does.
public struct JSONValueDecoder {
    public init() {}

    public func decode<T: Decodable>(_ type: T.Type, from value: JSONValue) throws -> T {
        try ValueDecoder(value: value, codingPath: []).decodeValue(type)
    }
}

/// Renders a coding path as `messages.0.content` for error messages.
public func codingPathDescription(_ path: [CodingKey]) -> String {
    path.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
}

struct IndexKey: CodingKey {
    var stringValue: String { String(index) }
    var intValue: Int? { index }
    let index: Int
    init(_ index: Int) { self.index = index }
    init?(stringValue: String) { guard let i = Int(stringValue) else { return nil }; index = i }
    init?(intValue: Int) { index = intValue }
}

struct ValueDecoder: Decoder {
    let value: JSONValue
    let codingPath: [CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func mismatch(_ expected: String) -> DecodingError {
        .typeMismatch(Any.self, .init(codingPath: codingPath, debugDescription: "expected \(expected), found \(value.typeName)"))
    }

    func decodeValue<T: Decodable>(_ type: T.Type) throws -> T {
        // Leaves are read here directly: faster than going through init(from:), and exact about types.
        let leaf: Any
        switch type {
        case is JSONValue.Type: leaf = value
        case is String.Type: guard case .string(let s) = value else { throw mismatch("a string") }; leaf = s
        case is Bool.Type: guard case .bool(let b) = value else { throw mismatch("a boolean") }; leaf = b
        case is Int.Type: leaf = try integer()
        case is Double.Type: leaf = try number()
        case is Float.Type: leaf = Float(try number())
        default: return try T(from: self)
        }
        guard let typed = leaf as? T else { throw mismatch("\(T.self)") }
        return typed
    }

    func integer() throws -> Int {
        guard let i = value.intValue else { throw mismatch("an integer") }
        return i
    }

    func number() throws -> Double {
        guard let d = value.doubleValue else { throw mismatch("a number") }
        return d
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case .object(let object) = value else { throw mismatch("an object") }
        return KeyedDecodingContainer(KeyedValueContainer<Key>(object: object, codingPath: codingPath))
    }

    func unkeyedContainer() throws -> UnkeyedDecodingContainer {
        guard case .array(let items) = value else { throw mismatch("an array") }
        return UnkeyedValueContainer(items: items, codingPath: codingPath)
    }

    func singleValueContainer() throws -> SingleValueDecodingContainer { self }
}

extension ValueDecoder: SingleValueDecodingContainer {
    func decodeNil() -> Bool { value.isNull }
    func decode(_ type: Bool.Type) throws -> Bool { try decodeValue(type) }
    func decode(_ type: String.Type) throws -> String { try decodeValue(type) }
    func decode(_ type: Double.Type) throws -> Double { try number() }
    func decode(_ type: Float.Type) throws -> Float { Float(try number()) }
    func decode(_ type: Int.Type) throws -> Int { try integer() }
    func decode(_ type: Int8.Type) throws -> Int8 { try exact(type) }
    func decode(_ type: Int16.Type) throws -> Int16 { try exact(type) }
    func decode(_ type: Int32.Type) throws -> Int32 { try exact(type) }
    func decode(_ type: Int64.Type) throws -> Int64 { try exact(type) }
    func decode(_ type: UInt.Type) throws -> UInt { try exact(type) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try exact(type) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try exact(type) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try exact(type) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try exact(type) }
    func decode<T: Decodable>(_ type: T.Type) throws -> T { try decodeValue(type) }

    private func exact<I: FixedWidthInteger>(_ type: I.Type) throws -> I {
        guard let i = I(exactly: try integer()) else { throw mismatch("an integer in the range of \(I.self)") }
        return i
    }
}

struct KeyedValueContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let object: JSONObject
    let codingPath: [CodingKey]

    var allKeys: [Key] { object.keys.compactMap { Key(stringValue: $0) } }
    func contains(_ key: Key) -> Bool { object.contains(key.stringValue) }

    private func member(_ key: Key) throws -> ValueDecoder {
        guard let value = object[key.stringValue] else {
            throw DecodingError.keyNotFound(key, .init(codingPath: codingPath, debugDescription: "field required"))
        }
        return ValueDecoder(value: value, codingPath: codingPath + [key])
    }

    func decodeNil(forKey key: Key) throws -> Bool { object[key.stringValue]?.isNull ?? true }
    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T { try member(key).decodeValue(type) }
    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try member(key).decodeValue(type) }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try member(key).decodeValue(type) }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try member(key).number() }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try member(key).integer() }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        try member(key).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> UnkeyedDecodingContainer { try member(key).unkeyedContainer() }
    func superDecoder() throws -> Decoder { ValueDecoder(value: .object(object), codingPath: codingPath) }
    func superDecoder(forKey key: Key) throws -> Decoder { try member(key) }
}

struct UnkeyedValueContainer: UnkeyedDecodingContainer {
    let items: [JSONValue]
    let codingPath: [CodingKey]
    var currentIndex = 0

    init(items: [JSONValue], codingPath: [CodingKey]) {
        self.items = items
        self.codingPath = codingPath
    }

    var count: Int? { items.count }
    var isAtEnd: Bool { currentIndex >= items.count }

    private mutating func next() throws -> ValueDecoder {
        guard !isAtEnd else {
            throw DecodingError.valueNotFound(Any.self, .init(codingPath: codingPath + [IndexKey(currentIndex)], debugDescription: "array ended early"))
        }
        defer { currentIndex += 1 }
        return ValueDecoder(value: items[currentIndex], codingPath: codingPath + [IndexKey(currentIndex)])
    }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd, items[currentIndex].isNull else { return false }
        currentIndex += 1
        return true
    }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { try next().decodeValue(type) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        try next().container(keyedBy: type)
    }

    mutating func nestedUnkeyedContainer() throws -> UnkeyedDecodingContainer { try next().unkeyedContainer() }
    mutating func superDecoder() throws -> Decoder { try next() }
}
