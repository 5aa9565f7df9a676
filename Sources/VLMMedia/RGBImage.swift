/// An 8-bit RGB image: the form every decoded picture takes before resizing (Pillow mode "RGB").
public struct RGBImage: Sendable, Equatable {
    public let width: Int
    public let height: Int
    /// Row-major, three bytes per pixel (R, G, B), no padding.
    public internal(set) var pixels: [UInt8]

    /// Wraps existing pixels; their count must be `width × height × 3`.
    public init(width: Int, height: Int, pixels: [UInt8]) throws {
        guard width > 0, height > 0, pixels.count == width * height * 3 else {
            throw MediaError.invalidOptions(
                "an RGB image of \(width)×\(height) needs \(max(0, width * height * 3)) bytes, got \(pixels.count)")
        }
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// An image whose pixels are written by `fill` (no zeroing pass first).
    init(width: Int, height: Int, fill: (UnsafeMutablePointer<UInt8>) throws -> Void) rethrows {
        self.width = width
        self.height = height
        // On a throw the array is dropped with zero elements, so nothing uninitialized is read.
        pixels = try LargeBuffer.array(count: width * height * 3, fill: fill)
    }
}
