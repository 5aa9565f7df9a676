import Testing
import VLMJSON

@testable import VLMMedia

/// Video sampling and processing against qwen-vl-utils `fetch_video` (decord + torchvision) and
/// transformers' Qwen2VLVideoProcessor, from the committed goldens in video.json.
struct VideoTests {
    static func golden(_ key: String) throws -> [JSONValue] {
        try #require(try Fixtures.videoGoldens()[key]?.arrayValue)
    }

    static func options(_ o: JSONValue?) -> VideoOptions {
        VideoOptions(
            fps: o?["fps"]?.doubleValue, nframes: o?["nframes"]?.intValue, minFrames: o?["min_frames"]?.intValue,
            maxFrames: o?["max_frames"]?.intValue, minPixels: o?["min_pixels"]?.intValue,
            maxPixels: o?["max_pixels"]?.intValue, totalPixels: o?["total_pixels"]?.intValue,
            resizedHeight: o?["resized_height"]?.intValue, resizedWidth: o?["resized_width"]?.intValue)
    }

    @Test(arguments: try golden("sampling").indices)
    func samplingMatchesQwenVLUtils(index: Int) throws {
        let c = try Self.golden("sampling")[index]
        let total = try #require(c["total_frames"]?.intValue)
        let n = try VideoSampling.frameCount(
            options: Self.options(c["options"]), totalFrames: total, videoFPS: try #require(c["video_fps"]?.doubleValue))
        #expect(n == c["nframes"]?.intValue)
        #expect(VideoSampling.frameIndices(totalFrames: total, count: n) == Fixtures.ints(c["indices"]))
    }

    @Test(arguments: try golden("cases").indices)
    func framesAndPatchesMatchReference(index: Int) throws {
        let c = try Self.golden("cases")[index]
        for (name, hash) in try #require(c["sha256"]?.objectValue) {
            #expect(MediaHash.sha256Hex(try Fixtures.bytes("video/" + name)) == hash.stringValue,
                    "video/\(name) differs from the one the goldens were made from: rerun video_goldens.py")
        }
        let processor = Qwen2VLVideoProcessor(config: ProcessorConfig())
        let options = Self.options(c["options"])
        let video: Qwen2VLVideoProcessor.PreparedVideo
        if let list = c["source"]?.arrayValue {
            let frames = try list.map { try ImageDecoder.decode(try Fixtures.bytes("video/" + ($0.stringValue ?? ""))) }
            video = try processor.prepare(frames: frames, options: options)
        } else {
            let path = Fixtures.url("video/" + (c["source"]?.stringValue ?? "")).path
            video = try processor.prepare(.file(path), options: options, limits: .default)
        }
        #expect(video.frames.count == c["nframes"]?.intValue)
        try #require([video.frames[0].height, video.frames[0].width] == Fixtures.ints(c["resized"]))
        #expect(abs(video.secondPerGrid - (c["second_per_grid"]?.doubleValue ?? 0)) < 1e-12)
        // Resized bytes: at most 1 apart, and equal on at least 99% of the sampled positions.
        let positions = try #require(c["positions"]?.arrayValue).map(Fixtures.ints)
        var (equal, total, worst) = (0, 0, 0)
        for (frame, expected) in zip(video.frames, try #require(c["samples"]?.arrayValue)) {
            for (p, value) in zip(positions, Fixtures.ints(expected)) {
                let got = Int(frame.pixels[(p[0] * frame.width + p[1]) * 3 + p[2]])
                worst = max(worst, abs(got - value))
                equal += got == value ? 1 : 0
                total += 1
            }
        }
        #expect(worst <= 1)
        #expect(Double(equal) >= 0.99 * Double(total), "\(equal) of \(total) sampled bytes equal")
        // Whole frames: the byte sums agree too (they do exactly today).
        #expect(video.frames.map { $0.pixels.reduce(0) { $0 + Int($1) } } == Fixtures.ints(c["frame_sums"]))
        let patches = processor.patchify(video)
        #expect([patches.grid.t, patches.grid.h, patches.grid.w] == Fixtures.ints(c["grid_thw"]))
        #expect(patches.tokenCount == c["tokens"]?.intValue)
        #expect([patches.rows, patches.rowLength] == Fixtures.ints(c["shape"]))
        let row = try #require(c["row_index"]?.intValue)
        let expectedRow = try #require(c["row"]?.arrayValue).compactMap(\.doubleValue)
        let tolerance = 1.0 / 255.0 / 0.26130258 + 1e-4
        let got = patches.values[row * patches.rowLength..<(row + 1) * patches.rowLength]
        #expect(zip(got, expectedRow).allSatisfy { abs(Double($0) - $1) <= tolerance })
    }

    @Test func truncatedVideoIsCorrupt() throws {
        let processor = Qwen2VLVideoProcessor(config: ProcessorConfig())
        #expect(throws: MediaError.self) {
            try processor.process(.file(Fixtures.url("video/truncated.mp4").path))
        }
    }

    @Test func videoBytesDecodeLikeTheFile() throws {
        let processor = Qwen2VLVideoProcessor(config: ProcessorConfig())
        let bytes = try Fixtures.bytes("video/testsrc2_320x240_10fps.mp4")
        let fromBytes = try processor.process(.bytes(bytes))
        let fromFile = try processor.process(.file(Fixtures.url("video/testsrc2_320x240_10fps.mp4").path))
        #expect(fromBytes.values == fromFile.values)
        #expect(fromBytes.grid == GridTHW(t: 3, h: 20, w: 28))
    }

    @Test(arguments: [
        (MediaLimits(maxVideoFrames: 10), MediaError.tooManyVideoFrames(frames: 30, limit: 10)),
        (MediaLimits(maxVideoSeconds: 2), MediaError.videoTooLong(seconds: 3, limit: 2)),
    ])
    func videoLimitsAreEnforced(limits: MediaLimits, error: MediaError) throws {
        #expect(throws: error) {
            try Qwen2VLVideoProcessor(config: ProcessorConfig())
                .process(.file(Fixtures.url("video/testsrc2_320x240_10fps.mp4").path), limits: limits)
        }
    }

    @Test func fpsAndNframesAreExclusive() throws {
        #expect(throws: MediaError.invalidOptions("give either fps or nframes, not both")) {
            try VideoOptions(fps: 2, nframes: 4).validate()
        }
    }

    @Test func framesOfDifferentSizesAreRefused() throws {
        let small = try RGBImage(width: 56, height: 56, pixels: [UInt8](repeating: 9, count: 56 * 56 * 3))
        let large = try RGBImage(width: 112, height: 56, pixels: [UInt8](repeating: 9, count: 112 * 56 * 3))
        #expect(throws: MediaError.mismatchedFrameSizes(first: "56×56", other: "112×56", index: 1)) {
            try Qwen2VLVideoProcessor(config: ProcessorConfig()).process(frames: [small, large])
        }
    }
}
