/// `smart_resize`: the size an image is resized to so both sides are multiples of `factor` (28)
/// and the area lies within [minPixels, maxPixels], keeping the aspect ratio as well as possible.
/// Two variants exist and both are used (see notes/media.md): transformers' (the processor) and
/// qwen-vl-utils' (`fetch_image`, for per-request keys).
public enum SmartResize {
    public enum Variant: Sendable {
        /// transformers `Qwen2VLImageProcessor`: the floor branch keeps each side ≥ factor.
        case transformers
        /// qwen-vl-utils: the rounded sides are clamped to ≥ factor before the area checks.
        case qwenVLUtils
    }

    /// The largest `max(h, w) / min(h, w)` accepted.
    public static let maxAspectRatio = 200.0

    /// Python semantics throughout: float64 true division, `round` half to even, `math.floor/ceil`.
    public static func size(
        height: Int, width: Int, factor: Int = 28, minPixels: Int, maxPixels: Int, variant: Variant = .transformers
    ) throws -> (height: Int, width: Int) {
        try size(
            height: height, width: width, factor: factor, minPixels: Double(minPixels), maxPixels: Double(maxPixels),
            variant: variant)
    }

    /// The same with fractional limits, which qwen-vl-utils' video budget produces
    /// (`total_pixels / nframes * 2`).
    public static func size(
        height: Int, width: Int, factor: Int = 28, minPixels: Double, maxPixels: Double, variant: Variant
    ) throws -> (height: Int, width: Int) {
        guard height > 0, width > 0 else {
            throw MediaError.invalidOptions("image sides must be positive, got \(width)×\(height)")
        }
        if Double(max(height, width)) / Double(min(height, width)) > maxAspectRatio {
            throw MediaError.aspectRatioTooLarge(width: width, height: height)
        }
        let h = Double(height), w = Double(width), f = Double(factor)
        var hBar = Int((h / f).rounded(.toNearestOrEven)) * factor
        var wBar = Int((w / f).rounded(.toNearestOrEven)) * factor
        if variant == .qwenVLUtils {
            hBar = max(factor, hBar)
            wBar = max(factor, wBar)
        }
        if Double(hBar * wBar) > maxPixels {
            let beta = (Double(height * width) / maxPixels).squareRoot()
            hBar = Int((h / beta / f).rounded(.down)) * factor
            wBar = Int((w / beta / f).rounded(.down)) * factor
            if variant == .transformers {
                hBar = max(factor, hBar)
                wBar = max(factor, wBar)
            }
        } else if Double(hBar * wBar) < minPixels {
            let beta = (minPixels / Double(height * width)).squareRoot()
            hBar = Int((h * beta / f).rounded(.up)) * factor
            wBar = Int((w * beta / f).rounded(.up)) * factor
        }
        guard hBar > 0, wBar > 0 else {
            throw MediaError.invalidOptions(
                "max_pixels \(Int(maxPixels)) is too small for a \(width)×\(height) image: raise max_pixels")
        }
        return (hBar, wBar)
    }
}
