import CGIF

/// GIF through giflib, first frame only, following Pillow's GifImagePlugin for frame 0: the image
/// grows to cover a frame that overhangs the logical screen, pixels outside the frame take the
/// transparency index (or 0), and the frame is mode P (palette lookup, transparency ignored by
/// `convert("RGB")`) or L when the file has no palette.
final class GIFDecoder: FormatDecoder {
    let header: ImageHeader
    private let reader: Reader
    private let gif: UnsafeMutablePointer<GifFileType>
    private let frame: (left: Int, top: Int, width: Int, height: Int, interlaced: Bool)
    private let transparency: UInt8?

    /// The bytes and read position giflib pulls from.
    private final class Reader {
        let data: UnsafeRawBufferPointer
        var offset = 0
        init(_ data: UnsafeRawBufferPointer) { self.data = data }
    }

    init(_ data: UnsafeRawBufferPointer) throws {
        reader = Reader(data)
        var error: Int32 = 0
        guard let gif = DGifOpen(Unmanaged.passUnretained(reader).toOpaque(), GIFDecoder.read, &error) else {
            throw MediaError.corrupt(format: .gif, detail: GIFDecoder.message(error))
        }
        self.gif = gif
        do {
            var transparency: UInt8?
            try GIFDecoder.skipToFirstImage(gif, transparency: &transparency)
            self.transparency = transparency
        } catch {
            DGifCloseFile(gif, nil)
            throw error
        }
        let desc = gif.pointee.Image
        frame = (Int(desc.Left), Int(desc.Top), Int(desc.Width), Int(desc.Height), desc.Interlace)
        header = ImageHeader(
            format: .gif, width: max(Int(gif.pointee.SWidth), frame.left + frame.width),
            height: max(Int(gif.pointee.SHeight), frame.top + frame.height))
    }

    deinit { DGifCloseFile(gif, nil) }

    private static let read: InputFunc = { gif, out, count in
        guard let gif, let out, let context = gif.pointee.UserData, count > 0 else { return 0 }
        let reader = Unmanaged<Reader>.fromOpaque(context).takeUnretainedValue()
        let n = min(Int(count), reader.data.count - reader.offset)
        for i in 0..<n { out[i] = reader.data[reader.offset + i] }
        reader.offset += n
        return Int32(n)
    }

    private static func message(_ code: Int32) -> String {
        if let text = GifErrorString(code) { return String(cString: text) }
        return "giflib error \(code)"
    }

    /// Reads records up to the first image descriptor, keeping the transparency index of the
    /// graphic control extension that precedes it.
    private static func skipToFirstImage(_ gif: UnsafeMutablePointer<GifFileType>, transparency: inout UInt8?) throws {
        while true {
            var type = UNDEFINED_RECORD_TYPE
            guard DGifGetRecordType(gif, &type) == GIF_OK else {
                throw MediaError.corrupt(format: .gif, detail: message(gif.pointee.Error))
            }
            switch type {
            case IMAGE_DESC_RECORD_TYPE:
                guard DGifGetImageDesc(gif) == GIF_OK else {
                    throw MediaError.corrupt(format: .gif, detail: message(gif.pointee.Error))
                }
                return
            case EXTENSION_RECORD_TYPE:
                var code: Int32 = 0
                var block: UnsafeMutablePointer<GifByteType>?
                guard DGifGetExtension(gif, &code, &block) == GIF_OK else {
                    throw MediaError.corrupt(format: .gif, detail: message(gif.pointee.Error))
                }
                if code == GRAPHICS_EXT_FUNC_CODE, let gce = block, gce[0] >= 4 {
                    transparency = gce[1] & 1 != 0 ? gce[4] : nil
                }
                while block != nil {
                    guard DGifGetExtensionNext(gif, &block) == GIF_OK else {
                        throw MediaError.corrupt(format: .gif, detail: message(gif.pointee.Error))
                    }
                }
            default:
                throw MediaError.corrupt(format: .gif, detail: "the file holds no image")
            }
        }
    }

    func decode(into out: UnsafeMutablePointer<UInt8>, rowDone: (Int) -> Void) throws {
        let width = header.width
        let height = header.height
        var indices = [UInt8](repeating: transparency ?? 0, count: width * height)
        var line = [UInt8](repeating: 0, count: frame.width)
        for y in GIFDecoder.rowOrder(height: frame.width > 0 ? frame.height : 0, interlaced: frame.interlaced) {
            let status = line.withUnsafeMutableBufferPointer { DGifGetLine(gif, $0.baseAddress, Int32(frame.width)) }
            guard status == GIF_OK else { throw MediaError.corrupt(format: .gif, detail: GIFDecoder.message(gif.pointee.Error)) }
            let start = (frame.top + y) * width + frame.left
            indices.replaceSubrange(start..<start + frame.width, with: line)
        }
        let map = gif.pointee.Image.ColorMap ?? gif.pointee.SColorMap
        var palette = [UInt8](repeating: 0, count: 768)
        if let map, let colors = map.pointee.Colors {
            for i in 0..<min(Int(map.pointee.ColorCount), 256) {
                palette[3 * i] = colors[i].Red
                palette[3 * i + 1] = colors[i].Green
                palette[3 * i + 2] = colors[i].Blue
            }
        } else {
            for i in 0..<768 { palette[i] = UInt8(i / 3) }  // mode L: the index is the gray level
        }
        indices.withUnsafeBufferPointer { index in
            palette.withUnsafeBufferPointer { table in
                guard let indexBase = index.baseAddress, let tableBase = table.baseAddress else { return }
                for y in 0..<height {
                    PillowColor.paletteToRGB(indexBase + y * width, count: width, palette: tableBase, into: out + 3 * width * y)
                    rowDone(y)
                }
            }
        }
    }

    /// Frame rows in the order the file stores them (GIF interlacing: every 8th row from 0, every
    /// 8th from 4, every 4th from 2, every 2nd from 1).
    static func rowOrder(height: Int, interlaced: Bool) -> [Int] {
        guard interlaced else { return Array(0..<height) }
        return [(0, 8), (4, 8), (2, 4), (1, 2)].flatMap { start, step in Array(stride(from: start, to: height, by: step)) }
    }
}
