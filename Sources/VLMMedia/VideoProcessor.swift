/// The video half of the Qwen2-VL processor, following qwen-vl-utils 0.0.14 `fetch_video` and then
/// the processor's normalisation and patch flattening (two frames per temporal patch).
public struct Qwen2VLVideoProcessor: Sendable {
    public let config: ProcessorConfig

    public init(config: ProcessorConfig) { self.config = config }

    public init(modelDirectory: String) throws { config = try ProcessorConfig.load(modelDirectory: modelDirectory) }

    /// A video file or in-memory container: sample frames at `fps` (default 2), resize each with
    /// torchvision's antialiased bicubic to the per-frame pixel budget, patchify.
    public func process(_ input: VideoInput, options: VideoOptions = VideoOptions(), limits: MediaLimits = .default)
        throws -> PixelPatches
    {
        try patchify(prepare(input, options: options, limits: limits))
    }

    /// Resized frames (before normalisation) and the seconds per temporal patch.
    struct PreparedVideo {
        let frames: [RGBImage]
        let secondPerGrid: Double
    }

    func patchify(_ video: PreparedVideo) -> PixelPatches {
        Patchifier(config: config).patches(frames: video.frames, secondPerGrid: video.secondPerGrid)
    }

    func prepare(_ input: VideoInput, options: VideoOptions, limits: MediaLimits) throws -> PreparedVideo {
        try options.validate()
        if case .bytes(let bytes) = input { try limits.checkEncoded(size: bytes.count) }
        let decoder = try VideoDecoder(input, limits: limits)
        let count = try VideoSampling.frameCount(options: options, totalFrames: decoder.frameCount, videoFPS: decoder.fps)
        let indices = VideoSampling.frameIndices(totalFrames: decoder.frameCount, count: count)
        let sampleFPS = Double(count) / max(Double(decoder.frameCount), 1e-6) * decoder.fps
        let frames = try decoder.frames(at: indices)
        let size = try frameSize(height: decoder.height, width: decoder.width, frames: count, options: options)
        return PreparedVideo(
            frames: frames.map { TorchBicubicAA.resize($0, width: size.width, height: size.height) },
            secondPerGrid: Double(config.temporalPatchSize) / sampleFPS)
    }

    /// A list of frame images (`"video": [image, ...]`): each goes through `fetch_image` sizing with
    /// the element's min/max pixels, the list is padded to an even length by repeating the last
    /// frame, then resized to the video budget like a decoded video. `options.fps` (default 2)
    /// only sets the seconds per temporal patch. qwen-vl-utils 0.0.14 hands `fetch_image` the
    /// factor 28 where it expects the patch size 14, so frames are first sized in multiples of 56
    /// (with its defaults scaled to 56²); this is reproduced because it decides the grid.
    public func process(frames: [RGBImage], options: VideoOptions = VideoOptions()) throws -> PixelPatches {
        try patchify(prepare(frames: frames, options: options))
    }

    func prepare(frames: [RGBImage], options: VideoOptions) throws -> PreparedVideo {
        try options.validate()
        guard let first = frames.first else { throw MediaError.videoTooShort(frames: 0) }
        let imageOptions = ImageOptions(
            minPixels: options.minPixels, maxPixels: options.maxPixels, resizedHeight: options.resizedHeight,
            resizedWidth: options.resizedWidth)
        let fetch = Qwen2VLImageProcessor(config: config)
        var resized = try frames.map { frame in
            let size = try fetch.fetchSize(
                width: frame.width, height: frame.height, options: imageOptions, factor: 2 * config.factor)
            return PillowBicubic.resize(frame, width: size.width, height: size.height)
        }
        if let mismatch = resized.firstIndex(where: { $0.width != resized[0].width || $0.height != resized[0].height }) {
            throw MediaError.mismatchedFrameSizes(
                first: "\(first.width)×\(first.height)", other: "\(frames[mismatch].width)×\(frames[mismatch].height)",
                index: mismatch)
        }
        let padded = (resized.count + 1) / 2 * 2
        while resized.count < padded { resized.append(resized[resized.count - 1]) }
        let size = try frameSize(height: resized[0].height, width: resized[0].width, frames: padded, options: options)
        return PreparedVideo(
            frames: resized.map { TorchBicubicAA.resize($0, width: size.width, height: size.height) },
            secondPerGrid: Double(config.temporalPatchSize) / (options.fps ?? VideoSampling.defaultFPS))
    }

    /// Decodes each encoded frame (with `limits`) and processes the list.
    public func process(encodedFrames: [[UInt8]], options: VideoOptions = VideoOptions(), limits: MediaLimits = .default)
        throws -> PixelPatches
    {
        try process(frames: encodedFrames.map { try ImageDecoder.decode($0, limits: limits) }, options: options)
    }

    /// The frame size after `fetch_video`'s resize for `frames` sampled frames of `width × height`.
    func frameSize(height: Int, width: Int, frames: Int, options: VideoOptions) throws -> (height: Int, width: Int) {
        if let h = options.resizedHeight, let w = options.resizedWidth {
            let defaults = Qwen2VLImageProcessor.fetchPixelRange(factor: config.factor)
            return try SmartResize.size(
                height: h, width: w, factor: config.factor, minPixels: defaults.min, maxPixels: defaults.max,
                variant: .qwenVLUtils)
        }
        let range = VideoSampling.pixelRange(options: options, frames: frames, factor: config.factor)
        return try SmartResize.size(
            height: height, width: width, factor: config.factor, minPixels: range.min, maxPixels: range.max,
            variant: .qwenVLUtils)
    }
}
