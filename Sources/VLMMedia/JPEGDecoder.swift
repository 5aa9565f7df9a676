import CMediaShim

/// JPEG through libjpeg-turbo (baseline, progressive, gray, CMYK/YCCK), default settings as Pillow
/// uses them: ISLOW IDCT, fancy upsampling, no DCT scaling.
struct JPEGDecoder: FormatDecoder {
    let header: ImageHeader
    private let data: UnsafeRawBufferPointer
    private let components: Int
    private let maxScans: Int

    init(_ data: UnsafeRawBufferPointer, maxScans: Int) throws {
        var info = vlm_jpeg_info()
        var message = ShimMessage()
        let status = message.bytes.withUnsafeMutableBufferPointer { text in
            vlm_jpeg_read_info(data.baseAddress?.assumingMemoryBound(to: UInt8.self), data.count, &info, text.baseAddress, text.count)
        }
        guard status == 0 else { throw MediaError.corrupt(format: .jpeg, detail: message.text) }
        guard [1, 3, 4].contains(Int(info.components)) else {
            throw MediaError.corrupt(format: .jpeg, detail: "cannot handle \(info.components)-layer images")
        }
        self.data = data
        self.components = Int(info.components)
        self.maxScans = maxScans
        header = ImageHeader(format: .jpeg, width: Int(info.width), height: Int(info.height))
    }

    func decode(into out: UnsafeMutablePointer<UInt8>, rowDone: (Int) -> Void) throws {
        let width = header.width
        let rowBytes = 3 * width
        var message = ShimMessage()
        var status: Int32 = 0
        if components == 4 {
            // CMYK rows go through one scratch row and are converted as they arrive.
            var scratch = [UInt8](repeating: 0, count: 4 * width)
            scratch.withUnsafeMutableBufferPointer { row in
                guard let base = row.baseAddress else { return }
                let rows = [UnsafeMutablePointer<UInt8>?](repeating: base, count: header.height)
                status = RowCallback.bridge({ y in
                    PillowColor.invertedCMYKToRGB(base, count: width, into: out + y * rowBytes)
                    rowDone(y)
                }) { callback, context in
                    run(rows: rows, message: &message, callback: callback, context: context)
                }
            }
        } else {
            let rows = (0..<header.height).map { Optional(out + $0 * rowBytes) }
            status = RowCallback.bridge(rowDone) { callback, context in
                run(rows: rows, message: &message, callback: callback, context: context)
            }
        }
        guard status == 0 else { throw MediaError.corrupt(format: .jpeg, detail: message.text) }
    }

    private func run(
        rows: [UnsafeMutablePointer<UInt8>?], message: inout ShimMessage, callback: vlm_row_done,
        context: UnsafeMutableRawPointer
    ) -> Int32 {
        message.bytes.withUnsafeMutableBufferPointer { text in
            rows.withUnsafeBufferPointer { rowPointers in
                vlm_jpeg_decode(
                    data.baseAddress?.assumingMemoryBound(to: UInt8.self), data.count, rowPointers.baseAddress,
                    Int32(maxScans), callback, context, text.baseAddress, text.count)
            }
        }
    }
}
