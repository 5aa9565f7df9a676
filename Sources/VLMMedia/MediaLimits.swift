import Logging

/// Resource limits applied while decoding untrusted media. Defaults follow Pillow for images.
public struct MediaLimits: Sendable, Equatable {
    /// Pillow's `Image.MAX_IMAGE_PIXELS` (1024·1024·1024 / 4 / 3): above it Pillow warns.
    public static let pillowWarningPixels = 89_478_485
    /// Twice the warning limit: above it Pillow raises `DecompressionBombError`.
    public static let pillowErrorPixels = 2 * pillowWarningPixels

    /// Largest `width × height` accepted; checked on the header before any pixel buffer exists.
    public var maxPixels: Int
    /// Pixel count above which a warning is logged (the image is still decoded).
    public var warningPixels: Int
    /// Largest encoded file, in bytes.
    public var maxEncodedBytes: Int
    /// Most progressive JPEG scans accepted (a hostile file can hold thousands, each costing a pass).
    public var maxJPEGScans: Int
    /// Longest video accepted, in seconds.
    public var maxVideoSeconds: Double
    /// Most frames a video may contain.
    public var maxVideoFrames: Int

    public init(
        maxPixels: Int = MediaLimits.pillowErrorPixels,
        warningPixels: Int = MediaLimits.pillowWarningPixels,
        maxEncodedBytes: Int = 256 << 20,
        maxJPEGScans: Int = 1000,
        maxVideoSeconds: Double = 3600,
        maxVideoFrames: Int = 216_000
    ) {
        self.maxPixels = maxPixels
        self.warningPixels = warningPixels
        self.maxEncodedBytes = maxEncodedBytes
        self.maxJPEGScans = maxJPEGScans
        self.maxVideoSeconds = maxVideoSeconds
        self.maxVideoFrames = maxVideoFrames
    }

    public static let `default` = MediaLimits()

    static let logger = Logger(label: "vlm.media")

    func checkEncoded(size: Int) throws {
        if size > maxEncodedBytes { throw MediaError.encodedTooLarge(bytes: size, limit: maxEncodedBytes) }
    }

    /// The decompression-bomb check, run on header dimensions before allocating.
    func checkPixels(width: Int, height: Int, format: ImageFormat) throws {
        guard width > 0, height > 0 else { throw MediaError.emptyImage(format: format) }
        try checkPixelCount(width: width, height: height)
    }

    func checkPixelCount(width: Int, height: Int) throws {
        let (pixels, overflow) = width.multipliedReportingOverflow(by: height)
        if overflow || pixels > maxPixels {
            throw MediaError.tooManyPixels(width: width, height: height, limit: maxPixels)
        }
        if pixels > warningPixels {
            Self.logger.warning(
                "image of \(width)×\(height) = \(pixels) pixels exceeds \(warningPixels) pixels, could be a decompression bomb"
            )
        }
    }
}
