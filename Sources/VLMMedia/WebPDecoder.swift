import CWebP

/// WebP (lossy, lossless, alpha, first frame of an animation) through libwebp's animation decoder,
/// the API Pillow uses for every WebP file. Files with the alpha flag open as RGBA and are
/// composited onto white; the others drop the unused fourth byte.
struct WebPDecoder: FormatDecoder {
    let header: ImageHeader
    private let data: UnsafeRawBufferPointer

    init(_ data: UnsafeRawBufferPointer) throws {
        var width: Int32 = 0
        var height: Int32 = 0
        guard WebPGetInfo(data.baseAddress?.assumingMemoryBound(to: UInt8.self), data.count, &width, &height) != 0 else {
            throw MediaError.corrupt(format: .webp, detail: "the header cannot be parsed")
        }
        self.data = data
        header = ImageHeader(format: .webp, width: Int(width), height: Int(height))
    }

    func decode(into out: UnsafeMutablePointer<UInt8>, rowDone: (Int) -> Void) throws {
        var webpData = WebPData(bytes: data.baseAddress?.assumingMemoryBound(to: UInt8.self), size: data.count)
        var options = WebPAnimDecoderOptions()
        guard WebPAnimDecoderOptionsInit(&options) != 0 else {
            throw MediaError.corrupt(format: .webp, detail: "libwebp version mismatch")
        }
        options.color_mode = MODE_RGBA
        options.use_threads = 0
        guard let decoder = WebPAnimDecoderNew(&webpData, &options) else {
            throw MediaError.corrupt(format: .webp, detail: "the container cannot be parsed")
        }
        defer { WebPAnimDecoderDelete(decoder) }
        var info = WebPAnimInfo()
        guard WebPAnimDecoderGetInfo(decoder, &info) != 0,
            Int(info.canvas_width) == header.width, Int(info.canvas_height) == header.height
        else {
            throw MediaError.corrupt(format: .webp, detail: "the canvas size does not match the header")
        }
        let flags = WebPDemuxGetI(WebPAnimDecoderGetDemuxer(decoder), WEBP_FF_FORMAT_FLAGS)
        let hasAlpha = flags & UInt32(ALPHA_FLAG.rawValue) != 0
        var canvas: UnsafeMutablePointer<UInt8>?
        var timestamp: Int32 = 0
        guard WebPAnimDecoderGetNext(decoder, &canvas, &timestamp) != 0, let canvas else {
            throw MediaError.corrupt(format: .webp, detail: "the first frame cannot be decoded")
        }
        let width = header.width
        for y in 0..<header.height {
            let row = canvas + 4 * width * y
            if hasAlpha {
                PillowColor.rgbaOnWhite(row, count: width, into: out + 3 * width * y)
            } else {
                PillowColor.dropFourth(row, count: width, into: out + 3 * width * y)
            }
            rowDone(y)
        }
    }
}
