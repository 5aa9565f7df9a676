import Testing
@testable import VLMJSON

@Suite struct JSONParserTests {
    @Test func parsesNestedDocumentKeepingKeyOrder() throws {
        let value = try JSONParser.parse(#"{"b": [1, 2.5, -3e2, true, null], "a": {"z": "x", "y": ""}}"#)
        #expect(value.objectValue?.keys == ["b", "a"])
        #expect(value["b"] == [1, 2.5, -300.0, true, nil])
        #expect(value["a"]?.objectValue?.keys == ["z", "y"])
    }

    @Test func decodesEscapesAndSurrogatePairs() throws {
        let value = try JSONParser.parse(#""a\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00""#)
        #expect(value == .string("a\"\\/\u{08}\u{0C}\n\r\té😀"))
    }

    @Test func integersAndFloatsStayDistinct() throws {
        #expect(try JSONParser.parse("1") == .int(1))
        #expect(try JSONParser.parse("1.0") == .double(1.0))
        #expect(try JSONParser.parse("99999999999999999999") == .double(1e20))
        #expect(JSONValue.double(3.0).intValue == 3)
        #expect(JSONValue.double(3.5).intValue == nil)
    }

    @Test func repeatedKeyKeepsFirstPositionAndLastValue() throws {
        let value = try JSONParser.parse(#"{"a": 1, "b": 2, "a": 3}"#)
        #expect(value.objectValue?.keys == ["a", "b"])
        #expect(value["a"] == 3)
    }

    @Test(arguments: [
        ("{", "expected a string key"),
        ("[1,]", "unexpected character ']'"),
        ("{\"a\" 1}", "expected ':'"),
        ("\"abc", "unterminated string"),
        ("01", "unexpected data after the document"),
        ("tru", "unexpected end of input"),
        ("\"\\x\"", "invalid escape '\\x'"),
        ("[1] x", "unexpected data after the document"),
    ])
    func rejectsMalformedInput(text: String, message: String) {
        #expect(throws: JSONParseError.self) { try JSONParser.parse(text) }
        do { _ = try JSONParser.parse(text) } catch let error as JSONParseError {
            #expect(error.message == message)
        } catch { Issue.record("unexpected error \(error)") }
    }

    @Test func reportsLineAndColumn() {
        do {
            _ = try JSONParser.parse("{\n  \"a\": x\n}")
            Issue.record("parsed invalid JSON")
        } catch let error as JSONParseError {
            #expect(error.line == 2)
            #expect(error.column == 8)
        } catch { Issue.record("unexpected error \(error)") }
    }

    @Test func boundsNestingDepth() {
        let deep = String(repeating: "[", count: 100_000)
        #expect(throws: JSONParseError.self) { try JSONParser.parse(deep) }
    }
}

@Suite struct JSONSerializerTests {
    // Expected strings are what CPython 3.11 json.dumps prints for the same value.
    @Test func matchesPythonDefaults() {
        let value: JSONValue = ["name": "héllo\n", "n": [1, 2.5, nil, true], "e": [:], "emoji": "😀"]
        #expect(value.serialized(.python)
            == #"{"name": "h\u00e9llo\n", "n": [1, 2.5, null, true], "e": {}, "emoji": "\ud83d\ude00"}"#)
    }

    @Test func compactKeepsUTF8() {
        let value: JSONValue = ["a": "é", "b": [1, 2]]
        #expect(value.serialized(.compact) == #"{"a":"é","b":[1,2]}"#)
    }

    @Test func indentAndSortKeys() {
        let value: JSONValue = ["b": 1, "a": [true]]
        let options = JSONWriteOptions(indent: 2, sortKeys: true)
        #expect(value.serialized(options) == "{\n  \"a\": [\n    true\n  ],\n  \"b\": 1\n}")
    }

    @Test(arguments: [
        (0.1, "0.1"), (1.0, "1.0"), (100.0, "100.0"), (1e16, "1e+16"), (1234567890123456.0, "1234567890123456.0"),
        (0.0001, "0.0001"), (0.00001, "1e-05"), (1.5e-7, "1.5e-07"), (-2.5, "-2.5"), (1e22, "1e+22"),
        (123456789.125, "123456789.125"), (-0.0, "-0.0"), (3.14159, "3.14159"), (2.5e300, "2.5e+300"),
    ])
    func floatReprMatchesPython(value: Double, expected: String) {
        #expect(pythonFloatRepr(value) == expected)
    }

    @Test func nonFiniteFloatsAsPythonJSON() {
        #expect(JSONValue.double(.nan).serialized() == "NaN")
        #expect(JSONValue.double(-.infinity).serialized() == "-Infinity")
        #expect(pythonFloatRepr(.infinity) == "inf")
    }

    @Test func controlCharactersEscaped() {
        #expect(JSONValue.string("\u{01}\u{1F}").serialized() == #""\u0001\u001f""#)
    }
}

@Suite struct JSONIndentTextTests {
    @Test func indentTextIndentsEachLevel() {
        let value: JSONValue = ["a": [1]]
        #expect(value.serialized(JSONWriteOptions(indentText: "\t")) == "{\n\t\"a\": [\n\t\t1\n\t]\n}")
    }

    @Test func aNegativeIndentBreaksLinesWithoutIndenting() {
        let value: JSONValue = [1, 2]
        #expect(value.serialized(JSONWriteOptions(indent: -2)) == "[\n1,\n2\n]")
    }
}
