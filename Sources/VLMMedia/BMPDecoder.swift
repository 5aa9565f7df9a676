/// BMP, decoded in Swift following Pillow's BmpImagePlugin: OS/2 and Windows headers, 1/4/8-bit
/// palettes, 16-bit 555/565, 24-bit, 32-bit (fourth byte ignored unless bit fields name an alpha
/// channel), RLE8 and RLE4.
struct BMPDecoder: FormatDecoder {
    let header: ImageHeader
    let data: UnsafeRawBufferPointer
    let bits: Int
    let topDown: Bool
    let pixelOffset: Int
    let compression: Int
    let layout: Layout
    /// 256 RGB entries for palette images.
    let palette: [UInt8]
    /// Pillow opens a palette that is exactly the gray ramp as mode 1/L; RLE data then keeps the raw
    /// index as the gray level.
    let grayPalette: Bool

    static let rle8 = 1, rle4 = 2, bitFields = 3

    /// How a pixel is stored, after Pillow's raw modes ("P;4", "BGR;15", "BGRA", ...).
    enum Layout: Equatable {
        case palette
        case bgr15, bgr16, bgr
        /// Byte positions of R, G, B (and A, which makes the image RGBA) in a 4-byte pixel.
        case fourBytes(r: Int, g: Int, b: Int, a: Int?)
    }

    init(_ data: UnsafeRawBufferPointer) throws {
        func u32(_ at: Int) throws -> Int {
            guard at + 4 <= data.count else { throw MediaError.corrupt(format: .bmp, detail: "the header is truncated") }
            return Int(data[at]) | Int(data[at + 1]) << 8 | Int(data[at + 2]) << 16 | Int(data[at + 3]) << 24
        }
        func u16(_ at: Int) throws -> Int {
            guard at + 2 <= data.count else { throw MediaError.corrupt(format: .bmp, detail: "the header is truncated") }
            return Int(data[at]) | Int(data[at + 1]) << 8
        }
        self.data = data
        var offset = try u32(10)
        let headerSize = try u32(14)
        let width: Int, height: Int, colors: Int, paletteEntryBytes: Int
        var masks: [Int]?
        var cursor = 14 + headerSize
        if headerSize == 12 {
            (width, height, bits, compression) = (try u16(18), try u16(20), try u16(24), 0)
            topDown = false
            paletteEntryBytes = 3
            colors = 1 << min(bits, 24)
        } else if [40, 52, 56, 64, 108, 124].contains(headerSize) {
            guard 14 + headerSize <= data.count else { throw MediaError.corrupt(format: .bmp, detail: "the header is truncated") }
            topDown = data[25] == 0xFF
            width = try u32(18)
            height = topDown ? (1 << 32) - (try u32(22)) : try u32(22)
            bits = try u16(28)
            compression = try u32(30)
            let declared = try u32(46)
            colors = declared != 0 ? declared : 1 << min(bits, 24)
            paletteEntryBytes = 4
            if compression == Self.bitFields {
                if headerSize >= 52 {
                    masks = [try u32(54), try u32(58), try u32(62), headerSize >= 56 ? try u32(66) : 0]
                } else {
                    masks = [try u32(cursor), try u32(cursor + 4), try u32(cursor + 8), 0]
                    cursor += 12
                }
            }
        } else {
            throw MediaError.corrupt(format: .bmp, detail: "unsupported BMP header type (\(headerSize))")
        }
        if offset == 14 + headerSize && bits <= 8 { offset += paletteEntryBytes * colors }
        pixelOffset = offset
        layout = try Self.layout(bits: bits, compression: compression, masks: masks)
        var table = [UInt8](repeating: 0, count: 768)
        var gray = false
        if bits <= 8 {
            guard colors > 0, colors <= 65536 else {
                throw MediaError.corrupt(format: .bmp, detail: "unsupported BMP palette size (\(colors))")
            }
            gray = true
            for i in 0..<min(colors, 256) {
                let at = cursor + i * paletteEntryBytes
                guard at + 3 <= data.count else { break }
                (table[3 * i], table[3 * i + 1], table[3 * i + 2]) = (data[at + 2], data[at + 1], data[at])
                let expected = UInt8(truncatingIfNeeded: colors == 2 ? i * 255 : i)
                if table[3 * i] != expected || table[3 * i + 1] != expected || table[3 * i + 2] != expected { gray = false }
            }
        }
        palette = table
        grayPalette = gray
        header = ImageHeader(format: .bmp, width: width, height: height)
    }

    private static func layout(bits: Int, compression: Int, masks: [Int]?) throws -> Layout {
        func four(_ mode: String) -> Layout {
            let position = { (c: Character) in mode.firstIndex(of: c).map { mode.distance(from: mode.startIndex, to: $0) } }
            return .fourBytes(r: position("R") ?? 0, g: position("G") ?? 0, b: position("B") ?? 0, a: position("A"))
        }
        switch compression {
        case 0: return [16: Layout.bgr15, 24: .bgr, 32: four("BGRX")][bits] ?? .palette
        case rle8, rle4: return .palette
        case bitFields:
            let known: [[Int]: String] = [
                [0xFF0000, 0xFF00, 0xFF, 0]: "BGRX", [0xFF00_0000, 0xFF0000, 0xFF00, 0]: "XBGR",
                [0xFF00_0000, 0xFF00, 0xFF, 0]: "BGXR", [0xFF00_0000, 0xFF0000, 0xFF00, 0xFF]: "ABGR",
                [0xFF, 0xFF00, 0xFF0000, 0xFF00_0000]: "RGBA", [0xFF0000, 0xFF00, 0xFF, 0xFF00_0000]: "BGRA",
                [0xFF00_0000, 0xFF00, 0xFF, 0xFF0000]: "BGAR", [0, 0, 0, 0]: "BGRA",
            ]
            let m = masks ?? []
            if bits == 32, let mode = known[m] { return four(mode) }
            if bits == 24, m.prefix(3) == [0xFF0000, 0xFF00, 0xFF] { return .bgr }
            if bits == 16, m.prefix(3) == [0xF800, 0x7E0, 0x1F] { return .bgr16 }
            if bits == 16, m.prefix(3) == [0x7C00, 0x3E0, 0x1F] { return .bgr15 }
            throw MediaError.corrupt(format: .bmp, detail: "unsupported BMP bitfields layout")
        default:
            throw MediaError.corrupt(format: .bmp, detail: "unsupported BMP compression (\(compression))")
        }
    }

    func decode(into out: UnsafeMutablePointer<UInt8>, rowDone: (Int) -> Void) throws {
        guard [1, 4, 8, 16, 24, 32].contains(bits) else {
            throw MediaError.corrupt(format: .bmp, detail: "unsupported BMP pixel depth (\(bits))")
        }
        if compression == Self.rle8 || compression == Self.rle4 {
            return try decodeRLE(into: out, rowDone: rowDone)
        }
        let width = header.width
        let stride = ((width * bits + 31) >> 3) & ~3
        guard pixelOffset >= 0, pixelOffset + stride * header.height <= data.count else {
            throw MediaError.corrupt(format: .bmp, detail: "the pixel data is truncated")
        }
        for fileRow in 0..<header.height {
            let y = topDown ? fileRow : header.height - 1 - fileRow
            convert(row: pixelOffset + fileRow * stride, into: out + 3 * width * y)
            if topDown { rowDone(y) }
        }
        if !topDown { for y in 0..<header.height { rowDone(y) } }
    }

    private func convert(row start: Int, into out: UnsafeMutablePointer<UInt8>) {
        let width = header.width
        for x in 0..<width {
            var (r, g, b): (UInt8, UInt8, UInt8)
            switch layout {
            case .palette:
                let perByte = 8 / bits
                let byte = Int(data[start + x / perByte])
                let shift = 8 - bits * (x % perByte + 1)
                let index = 3 * ((byte >> shift) & ((1 << bits) - 1))
                (r, g, b) = (palette[index], palette[index + 1], palette[index + 2])
            case .bgr15, .bgr16:
                // Pillow's BGR;15 / BGR;16 unpackers scale each field with v·255 / max.
                let pixel = Int(data[start + 2 * x]) | Int(data[start + 2 * x + 1]) << 8
                let (red, green) = layout == .bgr16 ? (pixel >> 11 & 31, (pixel >> 5 & 63) * 255 / 63) : (pixel >> 10 & 31, (pixel >> 5 & 31) * 255 / 31)
                (r, g, b) = (UInt8(red * 255 / 31), UInt8(green), UInt8((pixel & 31) * 255 / 31))
            case .bgr:
                (r, g, b) = (data[start + 3 * x + 2], data[start + 3 * x + 1], data[start + 3 * x])
            case .fourBytes(let ri, let gi, let bi, let ai):
                let p = start + 4 * x
                (r, g, b) = (data[p + ri], data[p + gi], data[p + bi])
                if let ai {
                    let alpha = data[p + ai]
                    (r, g, b) = (PillowColor.onWhite(r, alpha: alpha), PillowColor.onWhite(g, alpha: alpha), PillowColor.onWhite(b, alpha: alpha))
                }
            }
            (out[3 * x], out[3 * x + 1], out[3 * x + 2]) = (r, g, b)
        }
    }
}
