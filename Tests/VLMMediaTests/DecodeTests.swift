import Testing
import VLMJSON

@testable import VLMMedia

/// Decoding matches Pillow + qwen-vl-utils `to_rgb` byte for byte on every fixture Pillow opens.
struct DecodeTests {
    static func decodable() throws -> [String] {
        try Fixtures.section("decode").compactMap { entry in
            entry["rgb"] == nil ? nil : entry["file"]?.stringValue
        }
    }

    @Test(arguments: try decodable())
    func decodesLikePillow(file: String) throws {
        let entry = try #require(try Fixtures.section("decode").first { $0["file"]?.stringValue == file })
        let image = try ImageDecoder.decode(try Fixtures.image(file))
        #expect(image.width == entry["width"]?.intValue)
        #expect(image.height == entry["height"]?.intValue)
        let expected = try Fixtures.bytes(try #require(entry["rgb"]?.stringValue))
        #expect(image.pixels == expected, "\(Fixtures.differing(image.pixels, expected)) of \(expected.count) bytes differ")
    }
}
