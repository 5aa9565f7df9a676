import Testing
@testable import VLMJSON

private struct Request: Codable, Equatable {
    var name: String
    var count: Int
    var ratio: Double?
    var tags: [String]
    var raw: JSONValue?
}

private struct Ordered: Encodable {
    var zeta = 1
    var alpha: String? = nil
    var mid = 0.5
    var logprob: Float = -0.123
    var nested = Inner()

    struct Inner: Encodable { var b = [1, 2]; var a = true }
}

@Suite struct JSONValueDecoderTests {
    @Test func decodesTypedFieldsAndKeepsRawMembersInOrder() throws {
        let value = try JSONParser.parse(#"{"name":"x","count":2.0,"tags":["a"],"raw":{"z":1,"a":[true,null]}}"#)
        let decoded = try JSONValueDecoder().decode(Request.self, from: value)
        #expect(decoded == Request(name: "x", count: 2, ratio: nil, tags: ["a"], raw: ["z": 1, "a": [true, nil]]))
        #expect(decoded.raw?.objectValue?.keys == ["z", "a"])
    }

    @Test func typeMismatchNamesThePathAndTheFoundType() throws {
        let value = try JSONParser.parse(#"{"name":"x","count":1,"tags":["a", 3]}"#)
        do {
            _ = try JSONValueDecoder().decode(Request.self, from: value)
            Issue.record("expected a type mismatch")
        } catch DecodingError.typeMismatch(_, let context) {
            #expect(codingPathDescription(context.codingPath) == "tags.1")
            #expect(context.debugDescription == "expected a string, found number")
        }
    }

    @Test func fractionalNumberIsNotAnInteger() throws {
        let value = try JSONParser.parse(#"{"name":"x","count":1.5,"tags":[]}"#)
        #expect(throws: DecodingError.self) { try JSONValueDecoder().decode(Request.self, from: value) }
    }

    @Test func missingFieldIsKeyNotFound() throws {
        let value = try JSONParser.parse(#"{"count":1,"tags":[]}"#)
        do {
            _ = try JSONValueDecoder().decode(Request.self, from: value)
            Issue.record("expected keyNotFound")
        } catch DecodingError.keyNotFound(let key, _) {
            #expect(key.stringValue == "name")
        }
    }
}

@Suite struct JSONValueEncoderTests {
    @Test func keepsEncodingOrderAndLeavesOutNilOptionals() throws {
        let text = try JSONValueEncoder().encode(Ordered()).serialized(.compact)
        #expect(text == #"{"zeta":1,"mid":0.5,"logprob":-0.12300000339746475,"nested":{"b":[1,2],"a":true}}"#)
    }

    @Test func roundTripsThroughDecoder() throws {
        let original = Request(name: "é", count: 3, ratio: 0.25, tags: ["x", "y"], raw: ["k": [1, 2.5]])
        let value = try JSONValueEncoder().encode(original)
        #expect(try JSONValueDecoder().decode(Request.self, from: value) == original)
    }
}
