import CMediaShim

/// Width and height a file declares, read without decoding pixels.
public struct ImageHeader: Sendable, Equatable {
    public let format: ImageFormat
    public let width: Int
    public let height: Int
}

/// One opened file of a given format: header parsed and checked, pixels not decoded yet.
protocol FormatDecoder {
    var header: ImageHeader { get }
    /// Writes `width × height` RGB pixels (Pillow's `to_rgb` result) into `out`, row by row,
    /// calling `rowDone(y)` once row `y` is final.
    func decode(into out: UnsafeMutablePointer<UInt8>, rowDone: (Int) -> Void) throws
}

/// Entry point for still images: sniff the format, check limits on the header, decode to RGB.
public enum ImageDecoder {
    /// Reads the header only (no pixel buffer is allocated) and applies `limits` to it.
    public static func header(of bytes: [UInt8], limits: MediaLimits = .default) throws -> ImageHeader {
        try bytes.withUnsafeBytes { try open($0, limits: limits).header }
    }

    /// Decodes to RGB as qwen-vl-utils' `to_rgb(Image.open(...))` does: RGBA composited onto white,
    /// every other mode through Pillow's `convert("RGB")`. No EXIF rotation, no colour management.
    public static func decode(_ bytes: [UInt8], limits: MediaLimits = .default) throws -> RGBImage {
        try bytes.withUnsafeBytes { data in
            let decoder = try open(data, limits: limits)
            return try RGBImage(width: decoder.header.width, height: decoder.header.height) { out in
                try decoder.decode(into: out, rowDone: { _ in })
            }
        }
    }

    /// Sniffs and opens `data`, which must stay valid while the decoder is used.
    static func open(_ data: UnsafeRawBufferPointer, limits: MediaLimits) throws -> any FormatDecoder {
        try limits.checkEncoded(size: data.count)
        guard let format = ImageFormat.sniff(data) else {
            throw MediaError.unsupportedFormat(leadingBytes: ImageFormat.leadingBytes(data))
        }
        let decoder: any FormatDecoder
        switch format {
        case .jpeg: decoder = try JPEGDecoder(data, maxScans: limits.maxJPEGScans)
        case .png: decoder = try PNGDecoder(data)
        case .webp: decoder = try WebPDecoder(data)
        case .gif: decoder = try GIFDecoder(data)
        case .bmp: decoder = try BMPDecoder(data)
        }
        try limits.checkPixels(width: decoder.header.width, height: decoder.header.height, format: format)
        return decoder
    }
}

/// Carries a Swift row callback through the C shims' `void *context`.
final class RowCallback {
    let body: (Int) -> Void
    init(_ body: @escaping (Int) -> Void) { self.body = body }

    /// Runs `work` with a C callback and context that forward to `body`.
    static func bridge<T>(
        _ body: (Int) -> Void, _ work: (vlm_row_done, UnsafeMutableRawPointer) throws -> T
    ) rethrows -> T {
        try withoutActuallyEscaping(body) { escapable in
            let box = RowCallback(escapable)
            return try withExtendedLifetime(box) {
                try work(thunk, Unmanaged.passUnretained(box).toOpaque())
            }
        }
    }

    private static let thunk: vlm_row_done = { context, y in
        guard let context else { return }
        Unmanaged<RowCallback>.fromOpaque(context).takeUnretainedValue().body(Int(y))
    }
}

/// A fixed-size C string buffer for the shims' error messages.
struct ShimMessage {
    var bytes = [CChar](repeating: 0, count: 256)

    var text: String {
        let prefix = bytes.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        let message = String(decoding: prefix, as: UTF8.self)
        return message.isEmpty ? "unknown decoder error" : message
    }
}
