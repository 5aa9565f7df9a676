import Testing
import VLMJSON

@testable import VLMMedia

/// The image processor against transformers' Qwen2VLImageProcessorPil (after qwen-vl-utils
/// `fetch_image` for cases with request keys).
struct ImageProcessorTests {
    static func processor(_ c: JSONValue) throws -> Qwen2VLImageProcessor {
        let overrides = c["overrides"]
        let config = try #require(c["config"]?.stringValue)
        return try Qwen2VLImageProcessor(
            modelDirectory: Fixtures.url("models/" + config).path,
            minPixels: overrides?["min_pixels"]?.intValue, maxPixels: overrides?["max_pixels"]?.intValue)
    }

    static func options(_ c: JSONValue) -> ImageOptions {
        let r = c["request"]
        return ImageOptions(
            minPixels: r?["min_pixels"]?.intValue, maxPixels: r?["max_pixels"]?.intValue,
            resizedHeight: r?["resized_height"]?.intValue, resizedWidth: r?["resized_width"]?.intValue)
    }

    @Test(arguments: try Fixtures.section("process").indices)
    func patchesEqualTransformers(index: Int) throws {
        let c = try Fixtures.section("process")[index]
        let patches = try Self.processor(c).process(
            encoded: try Fixtures.image(try #require(c["file"]?.stringValue)), options: Self.options(c))
        let grid = Fixtures.ints(c["grid_thw"])
        #expect([patches.grid.t, patches.grid.h, patches.grid.w] == grid)
        #expect(patches.tokenCount == c["tokens"]?.intValue)
        #expect([patches.rows, patches.rowLength] == Fixtures.ints(c["shape"]))
        let expected = try Fixtures.floats(try #require(c["values"]?.stringValue))
        #expect(patches.values == expected, "\(Fixtures.differing(patches.values, expected)) of \(expected.count) values differ")
    }

    @Test(arguments: try Fixtures.section("grid").indices)
    func gridFromHeaderMatchesTransformers(index: Int) throws {
        let c = try Fixtures.section("grid")[index]
        let header = try ImageDecoder.header(of: try Fixtures.image(try #require(c["file"]?.stringValue)))
        let processor = try Self.processor(c)
        if c["grid_thw"] != nil {
            let grid = Fixtures.ints(c["grid_thw"])
            let got = try processor.grid(width: header.width, height: header.height)
            #expect([got.t, got.h, got.w] == grid)
        } else {
            #expect(throws: MediaError.aspectRatioTooLarge(width: header.width, height: header.height)) {
                try processor.grid(width: header.width, height: header.height)
            }
        }
    }

    @Test func requestKeysNeedBothResizedSides() throws {
        let processor = Qwen2VLImageProcessor(config: ProcessorConfig())
        #expect(throws: MediaError.invalidOptions("resized_height and resized_width must be given together")) {
            try processor.grid(width: 100, height: 100, options: ImageOptions(resizedHeight: 56))
        }
    }

    @Test func requestMinAboveMaxIsRefused() throws {
        let processor = Qwen2VLImageProcessor(config: ProcessorConfig())
        #expect(throws: MediaError.invalidOptions("min_pixels (5000) must not exceed max_pixels (4000)")) {
            try processor.grid(width: 100, height: 100, options: ImageOptions(minPixels: 5000, maxPixels: 4000))
        }
    }

    @Test func serverOverridesMustBeOrdered() throws {
        #expect(throws: MediaError.self) { try ProcessorConfig().overriding(minPixels: 10_000, maxPixels: 5000) }
    }
}
