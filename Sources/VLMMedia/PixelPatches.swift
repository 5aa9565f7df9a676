/// Grid of an image or video in patches: frames / temporal patch, rows, columns.
public struct GridTHW: Sendable, Hashable, CustomStringConvertible {
    public let t: Int
    public let h: Int
    public let w: Int

    public init(t: Int, h: Int, w: Int) {
        self.t = t
        self.h = h
        self.w = w
    }

    public var patchCount: Int { t * h * w }
    /// LLM tokens (`<|image_pad|>` / `<|video_pad|>` count): patches / merge².
    public func tokenCount(mergeSize: Int = 2) -> Int { patchCount / (mergeSize * mergeSize) }
    public var description: String { "[\(t), \(h), \(w)]" }
}

/// The processor's output for one image or video: `pixel_values` rows and `image_grid_thw`.
public struct PixelPatches: Sendable {
    public let grid: GridTHW
    /// Row-major `[grid.patchCount, rowLength]` Float32, rows in the order of facts §2.4
    /// (frame group → 2×2 block raster → position in block), columns (channel, frame, y, x).
    public let values: [Float]
    public let rowLength: Int
    public let mergeSize: Int
    /// Seconds per temporal grid step (`2 / fps`, Qwen2.5-VL M-RoPE); nil for images.
    public let secondPerGrid: Double?

    public var rows: Int { grid.patchCount }
    public var tokenCount: Int { grid.tokenCount(mergeSize: mergeSize) }
}
