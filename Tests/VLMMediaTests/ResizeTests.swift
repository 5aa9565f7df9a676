import Testing
import VLMJSON

@testable import VLMMedia

/// `smart_resize` and Pillow's BICUBIC resize against the references.
struct ResizeTests {
    @Test(arguments: try Fixtures.section("smart_resize").indices)
    func smartResizeMatchesBothReferences(index: Int) throws {
        let c = try Fixtures.section("smart_resize")[index]
        let (h, w) = (try #require(c["height"]?.intValue), try #require(c["width"]?.intValue))
        let (lo, hi) = (try #require(c["min_pixels"]?.intValue), try #require(c["max_pixels"]?.intValue))
        for (key, variant) in [("hf", SmartResize.Variant.transformers), ("qwen", .qwenVLUtils)] {
            let expected = try #require(c[key])
            if expected.arrayValue?.contains(.int(0)) == true {
                // The reference returns a zero side, which Pillow then refuses to resize to.
                #expect(throws: MediaError.self) {
                    try SmartResize.size(height: h, width: w, minPixels: lo, maxPixels: hi, variant: variant)
                }
            } else if expected.stringValue == "ratio" {
                #expect(throws: MediaError.aspectRatioTooLarge(width: w, height: h)) {
                    try SmartResize.size(height: h, width: w, minPixels: lo, maxPixels: hi, variant: variant)
                }
            } else {
                let got = try SmartResize.size(height: h, width: w, minPixels: lo, maxPixels: hi, variant: variant)
                #expect([got.height, got.width] == Fixtures.ints(expected), "\(key) \(h)×\(w)")
            }
        }
    }

    @Test func pythonRoundsHalfToEven() throws {
        // 70 / 28 = 2.5 rounds to 2, so 70×70 becomes 56×56.
        let size = try SmartResize.size(height: 70, width: 70, minPixels: 3136, maxPixels: 12_845_056)
        #expect(size == (56, 56))
    }

    @Test func aspectRatioMessageQuotesTheRatio() {
        #expect(
            MediaError.aspectRatioTooLarge(width: 50, height: 10001).description
                == "absolute aspect ratio must be smaller than 200, got 200.02 for a 50×10001 image: "
                + "crop or pad it to a less extreme shape")
    }

    @Test(arguments: try Fixtures.section("resize").indices)
    func bicubicMatchesPillowExactly(index: Int) throws {
        let c = try Fixtures.section("resize")[index]
        let source = try ImageDecoder.decode(try Fixtures.image(try #require(c["file"]?.stringValue)))
        let (w, h) = (try #require(c["width"]?.intValue), try #require(c["height"]?.intValue))
        let resized = PillowBicubic.resize(source, width: w, height: h)
        let expected = try Fixtures.bytes(try #require(c["rgb"]?.stringValue))
        #expect(resized.pixels == expected, "\(Fixtures.differing(resized.pixels, expected)) bytes differ")
    }

    @Test func passOrderFollowsPillow13() {
        // 4000×3000 → 4004×2996 shrinks the height only: vertical first.
        #expect(PillowBicubic.verticalFirst(inWidth: 4000, inHeight: 3000, outWidth: 4004, outHeight: 2996))
        #expect(!PillowBicubic.verticalFirst(inWidth: 1920, inHeight: 1080, outWidth: 1316, outHeight: 728))
        // Equality (height shrinks by exactly twice the width's shrink) stays horizontal first.
        #expect(!PillowBicubic.verticalFirst(inWidth: 100, inHeight: 150, outWidth: 80, outHeight: 110))
        #expect(PillowBicubic.verticalFirst(inWidth: 100, inHeight: 150, outWidth: 80, outHeight: 109))
    }
}
