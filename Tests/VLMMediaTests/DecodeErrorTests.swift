import Testing

@testable import VLMMedia

/// Hostile headers, truncated and corrupt files are refused with typed errors; Pillow refuses each
/// of these files too (manifest `pillow_error`).
struct DecodeErrorTests {
    static let limit = MediaLimits.pillowErrorPixels

    @Test(arguments: [
        ("hostile_png_20000x20000.png", 20000, 20000), ("hostile_jpeg_60000x60000.jpg", 60000, 60000),
        ("hostile_gif_65535x65535.gif", 65535, 65535), ("hostile_bmp_100000x100000.bmp", 100000, 100000),
        ("hostile_webp_16384x16384.webp", 16384, 16384),
    ])
    func hostileHeaderIsRefusedBeforeDecoding(file: String, width: Int, height: Int) throws {
        let error = MediaError.tooManyPixels(width: width, height: height, limit: Self.limit)
        #expect(throws: error) { try ImageDecoder.header(of: try Fixtures.image(file)) }
        #expect(throws: error) { try ImageDecoder.decode(try Fixtures.image(file)) }
        #expect(try Self.pillowRefuses(file))
    }

    @Test func tooManyPixelsMessageSaysWhatToDo() {
        let error = MediaError.tooManyPixels(width: 20000, height: 20000, limit: Self.limit)
        #expect(
            error.description
                == "the image is 20000×20000 = 400000000 pixels, above the limit of 178956970 pixels "
                + "(Pillow's decompression-bomb limit): downscale it before sending")
    }

    @Test(arguments: [
        ("truncated_jpeg.jpg", ImageFormat.jpeg, "Premature end of JPEG file"),
        ("truncated_png.png", .png, "the file is truncated"),
        ("truncated_png_header.png", .png, "the file is truncated"),
        ("truncated_gif.gif", .gif, "Failed to read from given file"),
        ("truncated_webp.webp", .webp, "the container cannot be parsed"),
        ("truncated_bmp.bmp", .bmp, "the pixel data is truncated"),
        ("corrupt_png_idat.png", .png, "IDAT: invalid bit length repeat"),
        ("corrupt_gif_lzw.gif", .gif, "Image is defective, decoding aborted"),
        ("png_bad_ihdr_crc.png", .png, "bad checksum in the IHDR chunk"),
        ("png_bad_adler.png", .png, "IDAT: incorrect data check"),
    ])
    func brokenFileIsCorruptError(file: String, format: ImageFormat, detail: String) throws {
        #expect(throws: MediaError.corrupt(format: format, detail: detail)) {
            try ImageDecoder.decode(try Fixtures.image(file))
        }
        #expect(try Self.pillowRefuses(file))
    }

    @Test func corruptMessageNamesFormatAndCause() {
        #expect(
            MediaError.corrupt(format: .jpeg, detail: "Premature end of JPEG file").description
                == "the JPEG image is corrupt or truncated: Premature end of JPEG file")
    }

    @Test func emptyDataIsUnsupportedFormat() throws {
        let error = MediaError.unsupportedFormat(leadingBytes: "nothing: the data is empty")
        #expect(throws: error) { try ImageDecoder.decode([]) }
        #expect(error.description == "unrecognized image data (starts with nothing: the data is empty): send JPEG, PNG, WebP, GIF or BMP")
    }

    @Test func unknownBytesAreShownInHex() throws {
        #expect(throws: MediaError.unsupportedFormat(leadingBytes: "0x00010203")) {
            try ImageDecoder.decode([0, 1, 2, 3])
        }
    }

    @Test func signatureWithoutChunksIsCorrupt() throws {
        #expect(throws: MediaError.self) { try ImageDecoder.decode(try Fixtures.image("signature_only.png")) }
    }

    @Test func encodedSizeLimitIsChecked() throws {
        let bytes = try Fixtures.image("png_rgb8_257x123.png")
        var limits = MediaLimits()
        limits.maxEncodedBytes = 1000
        #expect(throws: MediaError.encodedTooLarge(bytes: bytes.count, limit: 1000)) {
            try ImageDecoder.decode(bytes, limits: limits)
        }
    }

    @Test func pixelLimitIsConfigurable() throws {
        var limits = MediaLimits()
        limits.maxPixels = 257 * 123 - 1
        #expect(throws: MediaError.tooManyPixels(width: 257, height: 123, limit: 257 * 123 - 1)) {
            try ImageDecoder.decode(try Fixtures.image("png_rgb8_257x123.png"), limits: limits)
        }
    }

    @Test func headerReportsFormatAndSize() throws {
        let header = try ImageDecoder.header(of: try Fixtures.image("webp_lossy_alpha_180x120.webp"))
        #expect(header == ImageHeader(format: .webp, width: 180, height: 120))
    }

    static func pillowRefuses(_ file: String) throws -> Bool {
        try Fixtures.section("decode").first { $0["file"]?.stringValue == file }?["pillow_error"] != nil
    }
}
