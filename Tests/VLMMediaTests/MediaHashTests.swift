import Testing

@testable import VLMMedia

/// SHA-256 and the media content hash used for prefix caching.
struct MediaHashTests {
    @Test func sha256MatchesKnownVectors() {
        #expect(MediaHash.sha256Hex([]) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(MediaHash.sha256Hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        let twoBlocks = Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)
        #expect(MediaHash.sha256Hex(twoBlocks) == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        let million = [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)
        #expect(MediaHash.sha256Hex(million) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test func imageHashDependsOnBytesAndParameters() {
        let bytes: [UInt8] = [1, 2, 3]
        let config = ProcessorConfig()
        let base = MediaHash.image(encoded: bytes, config: config, options: ImageOptions())
        #expect(base == MediaHash.image(encoded: bytes, config: config, options: ImageOptions()))
        #expect(base != MediaHash.image(encoded: [1, 2, 4], config: config, options: ImageOptions()))
        #expect(base != MediaHash.image(encoded: bytes, config: config, options: ImageOptions(maxPixels: 50176)))
        var other = config
        other.maxPixels = 12_845_056
        #expect(base != MediaHash.image(encoded: bytes, config: other, options: ImageOptions()))
        #expect(base != MediaHash.video(encoded: bytes, config: config, options: VideoOptions()))
    }
}
