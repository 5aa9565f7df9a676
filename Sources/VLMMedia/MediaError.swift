/// Every way media input can be refused. Messages name the problem and what the user can change; the
/// server maps all of them to HTTP 400.
public enum MediaError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The bytes start like none of the supported formats.
    case unsupportedFormat(leadingBytes: String)
    /// The encoded file is larger than the configured limit.
    case encodedTooLarge(bytes: Int, limit: Int)
    /// The header declares more pixels than the limit (checked before any pixel buffer exists).
    case tooManyPixels(width: Int, height: Int, limit: Int)
    /// The header declares a zero or negative dimension.
    case emptyImage(format: ImageFormat)
    /// The decoder gave up: truncated or corrupt data.
    case corrupt(format: ImageFormat, detail: String)
    /// `max(h, w) / min(h, w)` exceeds 200, as in transformers' and qwen-vl-utils' `smart_resize`.
    case aspectRatioTooLarge(width: Int, height: Int)
    /// Processing parameters that cannot work together (min above max, one resized side only...).
    case invalidOptions(String)
    /// preprocessor_config.json is missing, unreadable or has a wrong value.
    case invalidProcessorConfig(String)
    /// The video container or stream could not be read.
    case corruptVideo(detail: String)
    /// The video is longer (seconds) or has more frames than the configured limits.
    case videoTooLong(seconds: Double, limit: Double)
    case tooManyVideoFrames(frames: Int, limit: Int)
    /// The video has fewer frames than qwen-vl-utils can sample (2).
    case videoTooShort(frames: Int)
    /// A frame list whose frames differ in size.
    case mismatchedFrameSizes(first: String, other: String, index: Int)

    public var description: String {
        switch self {
        case .unsupportedFormat(let lead):
            return "unrecognized image data (starts with \(lead)): send JPEG, PNG, WebP, GIF or BMP"
        case .encodedTooLarge(let bytes, let limit):
            return "the media file is \(bytes) bytes, above the limit of \(limit) bytes: send a smaller file"
        case .tooManyPixels(let w, let h, let limit):
            return "the image is \(w)×\(h) = \(w * h) pixels, above the limit of \(limit) pixels "
                + "(Pillow's decompression-bomb limit): downscale it before sending"
        case .emptyImage(let format):
            return "the \(format) image has no pixels (zero width or height)"
        case .corrupt(let format, let detail):
            return "the \(format) image is corrupt or truncated: \(detail)"
        case .aspectRatioTooLarge(let w, let h):
            let ratio = Double(max(w, h)) / Double(min(w, h))
            return "absolute aspect ratio must be smaller than 200, got \(ratio) for a \(w)×\(h) image: "
                + "crop or pad it to a less extreme shape"
        case .invalidOptions(let detail):
            return "invalid image/video options: \(detail)"
        case .invalidProcessorConfig(let detail):
            return "invalid preprocessor_config.json: \(detail)"
        case .corruptVideo(let detail):
            return "the video could not be decoded: \(detail)"
        case .videoTooLong(let seconds, let limit):
            return "the video lasts \(seconds) s, above the limit of \(limit) s: cut it or sample a time range"
        case .tooManyVideoFrames(let frames, let limit):
            return "the video has \(frames) frames, above the limit of \(limit): cut it or lower its frame rate"
        case .videoTooShort(let frames):
            return "the video has \(frames) frame(s); at least 2 are needed"
        case .mismatchedFrameSizes(let first, let other, let index):
            return "video frame \(index) is \(other) but frame 0 is \(first): all frames must have one size"
        }
    }
}
