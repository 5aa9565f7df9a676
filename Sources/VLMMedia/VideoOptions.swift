/// Per-request keys of a video content part, with qwen-vl-utils `fetch_video` semantics.
public struct VideoOptions: Sendable, Equatable {
    /// Sampling rate in frames per second (default 2.0); exclusive with `nframes`.
    public var fps: Double?
    /// Exact number of frames to sample (rounded to a multiple of 2).
    public var nframes: Int?
    public var minFrames: Int?
    public var maxFrames: Int?
    public var minPixels: Int?
    public var maxPixels: Int?
    /// Pixel budget of the whole video (default 128000 · 28² · 0.9).
    public var totalPixels: Int?
    public var resizedHeight: Int?
    public var resizedWidth: Int?

    public init(
        fps: Double? = nil, nframes: Int? = nil, minFrames: Int? = nil, maxFrames: Int? = nil, minPixels: Int? = nil,
        maxPixels: Int? = nil, totalPixels: Int? = nil, resizedHeight: Int? = nil, resizedWidth: Int? = nil
    ) {
        self.fps = fps
        self.nframes = nframes
        self.minFrames = minFrames
        self.maxFrames = maxFrames
        self.minPixels = minPixels
        self.maxPixels = maxPixels
        self.totalPixels = totalPixels
        self.resizedHeight = resizedHeight
        self.resizedWidth = resizedWidth
    }

    func validate() throws {
        if fps != nil && nframes != nil { throw MediaError.invalidOptions("give either fps or nframes, not both") }
        if let fps, !(fps > 0 && fps.isFinite) { throw MediaError.invalidOptions("fps must be a positive number, got \(fps)") }
        for (name, value) in [
            ("nframes", nframes), ("min_frames", minFrames), ("max_frames", maxFrames), ("min_pixels", minPixels),
            ("max_pixels", maxPixels), ("total_pixels", totalPixels), ("resized_height", resizedHeight),
            ("resized_width", resizedWidth),
        ] {
            if let value, value <= 0 { throw MediaError.invalidOptions("\(name) must be positive, got \(value)") }
        }
        if (resizedHeight == nil) != (resizedWidth == nil) {
            throw MediaError.invalidOptions("resized_height and resized_width must be given together")
        }
    }
}
