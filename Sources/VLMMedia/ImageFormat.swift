/// The still-image formats we decode, recognised from their first bytes as Pillow's plugins do.
public enum ImageFormat: String, Sendable, Equatable, CustomStringConvertible {
    case jpeg = "JPEG"
    case png = "PNG"
    case webp = "WebP"
    case gif = "GIF"
    case bmp = "BMP"

    public var description: String { rawValue }

    /// The format whose signature starts `bytes`, or nil.
    public static func sniff(_ bytes: UnsafeRawBufferPointer) -> ImageFormat? {
        func starts(_ prefix: [UInt8], at offset: Int = 0) -> Bool {
            guard bytes.count >= offset + prefix.count else { return false }
            for (i, b) in prefix.enumerated() where bytes[offset + i] != b { return false }
            return true
        }
        if starts([0xFF, 0xD8, 0xFF]) { return .jpeg }
        if starts([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        if starts(Array("GIF87a".utf8)) || starts(Array("GIF89a".utf8)) { return .gif }
        if starts(Array("BM".utf8)) { return .bmp }
        if starts(Array("RIFF".utf8)), starts(Array("WEBP".utf8), at: 8),
            starts(Array("VP8".utf8), at: 12)
        {
            return .webp
        }
        return nil
    }

    /// The first bytes of unrecognised data, hex-encoded for an error message.
    static func leadingBytes(_ bytes: UnsafeRawBufferPointer) -> String {
        if bytes.isEmpty { return "nothing: the data is empty" }
        let hex = bytes.prefix(8).map { byte -> String in
            let digits = String(byte, radix: 16)
            return digits.count == 1 ? "0" + digits : digits
        }
        return "0x" + hex.joined()
    }
}
