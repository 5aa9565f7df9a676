import CMediaShim

/// PNG through libpng, converted the way Pillow opens each colour type (PngImagePlugin `_MODES`)
/// and then converts to RGB: 16-bit RGB(A) keeps the high byte, 16-bit gray (mode I;16) clips at
/// 255, 16-bit gray+alpha opens as RGBA, palette and tRNS transparency are ignored, RGBA is
/// composited onto white. Gamma, sRGB and ICC chunks are ignored, as Pillow ignores them.
struct PNGDecoder: FormatDecoder {
    let header: ImageHeader
    private let data: UnsafeRawBufferPointer
    private let info: vlm_png_info

    init(_ data: UnsafeRawBufferPointer) throws {
        try Self.checkHeaderChunks(data)
        var info = vlm_png_info()
        var message = ShimMessage()
        let status = message.bytes.withUnsafeMutableBufferPointer { text in
            vlm_png_read_info(
                data.baseAddress?.assumingMemoryBound(to: UInt8.self), data.count, &info, text.baseAddress, text.count)
        }
        guard status == 0 else { throw MediaError.corrupt(format: .png, detail: message.text) }
        self.data = data
        self.info = info
        header = ImageHeader(format: .png, width: Int(info.width), height: Int(info.height))
    }

    func decode(into out: UnsafeMutablePointer<UInt8>, rowDone: (Int) -> Void) throws {
        let width = header.width
        let height = header.height
        let rowBytes = info.row_bytes
        // Interlaced images are assembled over 7 passes, so they need every raw row at once.
        let rawRows = info.interlaced != 0 ? height : 1
        var raw = [UInt8](repeating: 0, count: rawRows * rowBytes)
        var palette = withUnsafeBytes(of: info.palette) { PillowColor.fullPalette($0, count: Int(info.palette_size)) }
        var message = ShimMessage()
        let status: Int32 = raw.withUnsafeMutableBufferPointer { rawBuffer in
            palette.withUnsafeMutableBufferPointer { paletteBuffer in
                guard let rawBase = rawBuffer.baseAddress, let table = paletteBuffer.baseAddress else { return -1 }
                let rows = (0..<height).map { y in Optional(rawBase + (rawRows == 1 ? 0 : y * rowBytes)) }
                return RowCallback.bridge({ y in
                    convert(rawBase + (rawRows == 1 ? 0 : y * rowBytes), palette: table, into: out + 3 * width * y)
                    rowDone(y)
                }) { callback, context in
                    message.bytes.withUnsafeMutableBufferPointer { text in
                        rows.withUnsafeBufferPointer { rowPointers in
                            vlm_png_decode(
                                data.baseAddress?.assumingMemoryBound(to: UInt8.self), data.count,
                                rowPointers.baseAddress, callback, context, text.baseAddress, text.count)
                        }
                    }
                }
            }
        }
        guard status == 0 else { throw MediaError.corrupt(format: .png, detail: message.text) }
    }

    /// Pillow verifies the CRC of every chunk before the first IDAT (and none of the IDAT chunks);
    /// libpng is told to skip CRCs, so the header chunks are checked here.
    static func checkHeaderChunks(_ data: UnsafeRawBufferPointer) throws {
        var offset = 8
        while offset + 12 <= data.count {
            let length = Int(data[offset]) << 24 | Int(data[offset + 1]) << 16 | Int(data[offset + 2]) << 8 | Int(data[offset + 3])
            let kind = UnsafeRawBufferPointer(rebasing: data[offset + 4..<offset + 8])
            if kind.elementsEqual("IDAT".utf8) { return }
            let end = offset + 8 + length
            guard length >= 0, end + 4 <= data.count else { return }  // libpng reports the truncation
            let stored = UInt32(data[end]) << 24 | UInt32(data[end + 1]) << 16 | UInt32(data[end + 2]) << 8 | UInt32(data[end + 3])
            guard CRC32.checksum(UnsafeRawBufferPointer(rebasing: data[offset + 4..<end])) == stored else {
                throw MediaError.corrupt(
                    format: .png, detail: "bad checksum in the \(String(decoding: kind, as: UTF8.self)) chunk")
            }
            offset = end + 4
        }
    }

    /// One decoded row (as the shim returns it) → RGB.
    private func convert(_ row: UnsafePointer<UInt8>, palette: UnsafePointer<UInt8>, into out: UnsafeMutablePointer<UInt8>) {
        let width = header.width
        let wide = info.bit_depth == 16
        switch (info.color_type, wide) {
        case (0, false):  // L
            PillowColor.grayToRGB(row, count: width, stride: 1, into: out)
        case (0, true):  // I;16 → RGB clips: values above 255 become 255
            for x in 0..<width {
                let v: UInt8 = row[2 * x] == 0 ? row[2 * x + 1] : 255
                out[3 * x] = v
                out[3 * x + 1] = v
                out[3 * x + 2] = v
            }
        case (2, false):  // RGB
            out.update(from: row, count: 3 * width)
        case (2, true):  // RGB;16B keeps the high byte
            for i in 0..<3 * width { out[i] = row[2 * i] }
        case (3, _):  // P
            PillowColor.paletteToRGB(row, count: width, palette: palette, into: out)
        case (4, false):  // LA → RGB drops alpha
            PillowColor.grayToRGB(row, count: width, stride: 2, into: out)
        case (4, true):  // LA;16B opens as RGBA: high bytes, then onto white
            for x in 0..<width {
                let alpha = row[4 * x + 2]
                let v = PillowColor.onWhite(row[4 * x], alpha: alpha)
                out[3 * x] = v
                out[3 * x + 1] = v
                out[3 * x + 2] = v
            }
        case (6, false):  // RGBA
            PillowColor.rgbaOnWhite(row, count: width, into: out)
        default:  // RGBA;16B: high bytes, then onto white
            for x in 0..<width {
                let alpha = row[8 * x + 6]
                out[3 * x] = PillowColor.onWhite(row[8 * x], alpha: alpha)
                out[3 * x + 1] = PillowColor.onWhite(row[8 * x + 2], alpha: alpha)
                out[3 * x + 2] = PillowColor.onWhite(row[8 * x + 4], alpha: alpha)
            }
        }
    }
}
