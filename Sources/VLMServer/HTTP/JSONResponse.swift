import Hummingbird
import VLMJSON

/// An optional that is written as `null` when absent rather than left out, where vLLM's responses carry
/// the key with a null value (`"logprobs":null`, `"stop_reason":null`).
@propertyWrapper
struct NullEncoded<Value: Encodable & Sendable>: Encodable, Sendable {
    var wrappedValue: Value?

    init(wrappedValue: Value?) { self.wrappedValue = wrappedValue }

    func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        if let wrappedValue { try container.encode(wrappedValue) } else { try container.encodeNil() }
    }
}

/// Compact UTF-8 JSON text of a wire value, members in declaration order.
func jsonText<T: Encodable>(_ value: T) throws -> String {
    try JSONValueEncoder().encode(value).serialized(.compact)
}

func jsonResponse<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) throws -> Response {
    let buffer = ByteBuffer(string: try jsonText(value))
    return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: buffer))
}
