/// RLE8/RLE4 BMP data, decoded as Pillow's `BmpRleDecoder` does: rows bottom-up, runs clipped at
/// the row end, end-of-line pads with index 0, deltas skip with index 0, absolute runs are padded
/// to an even file offset. Data that ends before every pixel is set is an error, as in Pillow.
extension BMPDecoder {
    func decodeRLE(into out: UnsafeMutablePointer<UInt8>, rowDone: (Int) -> Void) throws {
        let width = header.width
        let total = width * header.height
        let rle4 = compression == Self.rle4
        var indices = [UInt8]()
        indices.reserveCapacity(total)
        var x = 0
        var at = pixelOffset
        func byte() -> UInt8? {
            guard at >= 0, at < data.count else { return nil }
            defer { at += 1 }
            return data[at]
        }
        decoding: while indices.count < total {
            guard let count = byte(), let value = byte() else { break }
            if count > 0 {
                let run = min(Int(count), max(0, width - x))
                for i in 0..<run { indices.append(rle4 ? (i % 2 == 0 ? value >> 4 : value & 0x0F) : value) }
                x += run
                continue
            }
            switch value {
            case 0:
                while indices.count % width != 0 { indices.append(0) }
                x = 0
            case 1:
                break decoding
            case 2:
                guard let right = byte(), let up = byte() else { break decoding }
                let skip = min(total - indices.count, Int(right) + Int(up) * width)
                indices.append(contentsOf: repeatElement(0, count: skip))
                x = indices.count % width
            default:
                let wanted = min(total - indices.count, Int(value))
                let byteCount = rle4 ? (wanted + 1) / 2 : wanted
                let available = max(0, min(byteCount, data.count - at))
                for i in 0..<available {
                    let b = data[at + i]
                    if rle4 {
                        indices.append(b >> 4)
                        if i * 2 + 1 < wanted { indices.append(b & 0x0F) }
                    } else {
                        indices.append(b)
                    }
                }
                at += available
                if available < byteCount || indices.count == total { break decoding }
                x += Int(value)
                if at % 2 != 0 { at += 1 }
            }
        }
        guard indices.count >= total else {
            throw MediaError.corrupt(format: .bmp, detail: "not enough image data in the RLE stream")
        }
        // A gray-ramp palette opens as mode L, whose RLE bytes are gray levels, not palette indices.
        var table = palette
        if grayPalette { for i in 0..<768 { table[i] = UInt8(i / 3) } }
        indices.withUnsafeBufferPointer { index in
            table.withUnsafeBufferPointer { colors in
                guard let indexBase = index.baseAddress, let colorBase = colors.baseAddress else { return }
                for fileRow in 0..<header.height {
                    let y = topDown ? fileRow : header.height - 1 - fileRow
                    PillowColor.paletteToRGB(indexBase + fileRow * width, count: width, palette: colorBase, into: out + 3 * width * y)
                }
            }
        }
        for y in 0..<header.height { rowDone(y) }
    }
}
