import CMediaShim

/// PNG: chunks read by `PNGChunks`, image data inflated and unfiltered by CMediaShim
/// (vlm_inflate.h), each row converted the way Pillow opens the colour type (PngImagePlugin
/// `_MODES`) and then converts it to RGB: 16-bit RGB(A) keeps the high byte, 16-bit gray (mode I;16)
/// clips at 255, 16-bit gray+alpha opens as RGBA, palette and tRNS transparency are ignored, RGBA is
/// composited onto white. Gamma, sRGB and ICC chunks are ignored, as Pillow ignores them.
///
/// Non-interlaced rows are unfiltered and handed on while the rest is still being inflated, so the
/// image pipeline resizes the top of the image while the bottom is decoded.
struct PNGDecoder: FormatDecoder {
    let header: ImageHeader
    private let chunks: PNGChunks

    init(_ data: UnsafeRawBufferPointer) throws {
        chunks = try PNGChunks(data)
        header = ImageHeader(format: .png, width: chunks.width, height: chunks.height)
    }

    func decode(into out: UnsafeMutablePointer<UInt8>, rowDone: (Int) -> Void) throws {
        var palette = chunks.palette.withUnsafeBytes { PillowColor.fullPalette($0, count: chunks.palette.count / 3) }
        try palette.withUnsafeMutableBufferPointer { table in
            guard let table = table.baseAddress else { return }
            if chunks.interlaced {
                try decodeInterlaced(into: out, palette: table, rowDone: rowDone)
            } else {
                try decodeSequential(into: out, palette: table, rowDone: rowDone)
            }
        }
    }

    /// Bytes of one filtered row of `width` pixels (without its filter-type byte).
    private func packedRowBytes(width: Int) -> Int { (width * chunks.channels * chunks.bitDepth + 7) / 8 }

    /// Bytes per complete pixel, the distance filters look back (at least 1).
    private var filterStride: Int { max(1, chunks.channels * chunks.bitDepth / 8) }

    /// Bytes per pixel once unpacked: one per sample, two for 16-bit samples.
    private var pixelBytes: Int { chunks.channels * (chunks.bitDepth == 16 ? 2 : 1) }

    /// Rows are unfiltered as soon as they are inflated. 8-bit RGB is unfiltered straight into `out`.
    private func decodeSequential(
        into out: UnsafeMutablePointer<UInt8>, palette: UnsafePointer<UInt8>, rowDone: (Int) -> Void
    ) throws {
        let width = header.width, height = header.height
        let packed = packedRowBytes(width: width)
        let stride = 1 + packed
        let direct = chunks.colorType == 2 && chunks.bitDepth == 8
        let rows = RowBuffers(packedBytes: packed, unpackedBytes: width * pixelBytes, filteredBytes: stride)
        var nextRow = 0
        func finishRow(_ filtered: UnsafePointer<UInt8>) throws {
            let y = nextRow
            let target = direct ? out + 3 * width * y : rows.current
            let previous = y == 0 ? rows.zeros : (direct ? out + 3 * width * (y - 1) : rows.previous)
            try unfilter(filtered, into: target, previous: previous, count: packed, row: y)
            if !direct {
                convert(unpack(rows.current, into: rows.unpacked, width: width), palette: palette, into: out + 3 * width * y)
                rows.swap()
            }
            rowDone(y)
            nextRow += 1
        }
        // Pieces end anywhere: whole rows are used in place, split ones gathered in `rows.filtered`.
        var gathered = 0
        try inflate(limit: stride * height) { piece in
            guard var next = piece.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return }
            var left = piece.count
            while left > 0 {
                if gathered == 0 && left >= stride {
                    try finishRow(next)
                    next += stride
                    left -= stride
                    continue
                }
                let take = min(stride - gathered, left)
                (rows.filtered + gathered).update(from: next, count: take)
                gathered += take
                next += take
                left -= take
                if gathered == stride {
                    try finishRow(rows.filtered)
                    gathered = 0
                }
            }
        }
        guard nextRow == height else {
            throw PNGChunks.corrupt("IDAT: the image data ends at row \(nextRow) of \(height)")
        }
    }

    /// Adam7: seven passes of sub-images, inflated as one stream, then scattered into place.
    private func decodeInterlaced(
        into out: UnsafeMutablePointer<UInt8>, palette: UnsafePointer<UInt8>, rowDone: (Int) -> Void
    ) throws {
        let width = header.width, height = header.height
        let passes = Self.adam7.map { pass in
            (pass, width: (width - pass.x + pass.dx - 1) / pass.dx, height: (height - pass.y + pass.dy - 1) / pass.dy)
        }.filter { $0.width > 0 && $0.height > 0 }
        let total = passes.reduce(0) { $0 + $1.height * (1 + packedRowBytes(width: $1.width)) }
        let inflated = UnsafeMutablePointer<UInt8>.allocate(capacity: total)
        defer { inflated.deallocate() }
        var produced = 0
        try inflate(limit: total) { piece in
            guard let base = piece.baseAddress else { return }
            UnsafeMutableRawPointer(inflated + produced).copyMemory(from: base, byteCount: piece.count)
            produced += piece.count
        }
        guard produced == total else { throw PNGChunks.corrupt("IDAT: the image data ends before the last pass") }
        let rowBytes = width * pixelBytes
        let image = UnsafeMutablePointer<UInt8>.allocate(capacity: height * rowBytes)
        defer { image.deallocate() }
        var source = inflated
        let rows = RowBuffers(packedBytes: packedRowBytes(width: width), unpackedBytes: rowBytes, filteredBytes: 0)
        for (pass, passWidth, passHeight) in passes {
            let packed = packedRowBytes(width: passWidth)
            for j in 0..<passHeight {
                try unfilter(source, into: rows.current, previous: j == 0 ? rows.zeros : rows.previous, count: packed, row: j)
                let pixels = unpack(rows.current, into: rows.unpacked, width: passWidth)
                let row = image + (pass.y + j * pass.dy) * rowBytes
                for i in 0..<passWidth {
                    (row + (pass.x + i * pass.dx) * pixelBytes).update(from: pixels + i * pixelBytes, count: pixelBytes)
                }
                rows.swap()
                source += 1 + packed
            }
        }
        for y in 0..<height {
            convert(image + y * rowBytes, palette: palette, into: out + 3 * width * y)
            rowDone(y)
        }
    }

    private static let adam7: [(x: Int, y: Int, dx: Int, dy: Int)] = [
        (0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2),
    ]

    /// Inflates at most `limit` bytes of image data into `sink`. A stream cut short is accepted when
    /// everything needed arrived (Pillow stops reading there too).
    private func inflate(limit: Int, sink: (UnsafeRawBufferPointer) throws -> Void) throws {
        let (outcome, produced) = try Inflate.run(chunks.imageData, limit: limit, sink: sink)
        switch outcome {
        case .corrupt(let message):
            throw PNGChunks.corrupt("IDAT: \(message)")
        case .truncated:
            if produced < limit { throw PNGChunks.truncated }
        case .done, .outputFull:
            break
        }
    }

    /// `source` is a filtered row: its filter-type byte, then `count` bytes.
    private func unfilter(
        _ source: UnsafePointer<UInt8>, into target: UnsafeMutablePointer<UInt8>, previous: UnsafePointer<UInt8>,
        count: Int, row: Int
    ) throws {
        guard vlm_png_unfilter(Int32(source[0]), source + 1, target, previous, count, Int32(filterStride)) == 0 else {
            throw PNGChunks.corrupt("unknown filter type \(source[0]) in row \(row)")
        }
    }

    /// Sub-byte samples → one byte each (gray scaled to 8 bits as Pillow's L modes are, palette
    /// indices as they are); other depths are returned as they are.
    private func unpack(_ packed: UnsafeMutablePointer<UInt8>, into unpacked: UnsafeMutablePointer<UInt8>, width: Int)
        -> UnsafeMutablePointer<UInt8>
    {
        let depth = chunks.bitDepth
        guard depth < 8 else { return packed }
        let perByte = 8 / depth, mask = (1 << depth) - 1
        let scale = chunks.colorType == 0 ? 255 / mask : 1
        for x in 0..<width {
            let shift = 8 - depth * (x % perByte + 1)
            unpacked[x] = UInt8(truncatingIfNeeded: ((Int(packed[x / perByte]) >> shift) & mask) * scale)
        }
        return unpacked
    }

    /// One unpacked row → RGB.
    private func convert(_ row: UnsafePointer<UInt8>, palette: UnsafePointer<UInt8>, into out: UnsafeMutablePointer<UInt8>) {
        let width = header.width
        let wide = chunks.bitDepth == 16
        switch (chunks.colorType, wide) {
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

/// The current and previous unfiltered rows (swapped after each row), a row of zeros for the
/// first row, room for an unpacked row and for a filtered row gathered from two pieces.
private final class RowBuffers {
    private(set) var current: UnsafeMutablePointer<UInt8>
    private(set) var previous: UnsafeMutablePointer<UInt8>
    let zeros: UnsafeMutablePointer<UInt8>
    let unpacked: UnsafeMutablePointer<UInt8>
    let filtered: UnsafeMutablePointer<UInt8>

    init(packedBytes: Int, unpackedBytes: Int, filteredBytes: Int) {
        current = .allocate(capacity: max(packedBytes, 1))
        previous = .allocate(capacity: max(packedBytes, 1))
        zeros = .allocate(capacity: max(packedBytes, 1))
        zeros.initialize(repeating: 0, count: max(packedBytes, 1))
        unpacked = .allocate(capacity: max(unpackedBytes, 1))
        filtered = .allocate(capacity: max(filteredBytes, 1))
    }

    func swap() { Swift.swap(&current, &previous) }

    deinit {
        current.deallocate()
        previous.deallocate()
        zeros.deallocate()
        unpacked.deallocate()
        filtered.deallocate()
    }
}
