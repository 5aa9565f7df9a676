/// What decoding needs from a PNG file's chunks (PNG spec §5, §11.2): the IHDR fields, the palette
/// and the compressed image data. Read as Pillow reads it: the CRC of every chunk before the first
/// IDAT is checked (the image data's are not), and the image data is the first run of consecutive
/// IDAT chunks; what follows it is never looked at.
struct PNGChunks {
    let width: Int
    let height: Int
    let bitDepth: Int
    /// 0 gray, 2 RGB, 3 palette, 4 gray + alpha, 6 RGBA.
    let colorType: Int
    let interlaced: Bool
    /// RGB triples from PLTE (empty when there is none).
    let palette: [UInt8]
    /// The IDAT payloads, in order; the last one is cut short when the file is.
    let imageData: [UnsafeRawBufferPointer]

    /// Samples per pixel.
    let channels: Int

    init(_ data: UnsafeRawBufferPointer) throws {
        var offset = 8
        var header: (width: Int, height: Int, bitDepth: Int, colorType: Int, interlaced: Bool)?
        var palette: [UInt8] = []
        var imageData: [UnsafeRawBufferPointer] = []
        while true {
            guard offset + 8 <= data.count else {
                if imageData.isEmpty { throw Self.truncated }
                break
            }
            let length = Self.bigEndian(data, at: offset)
            let kind = UnsafeRawBufferPointer(rebasing: data[offset + 4..<offset + 8])
            let name = String(decoding: kind, as: UTF8.self)
            guard length <= Int(Int32.max) else { throw Self.corrupt("the \(name) chunk's length is too large") }
            let body = offset + 8
            let end = body + length
            guard header != nil || name == "IHDR" else {
                throw Self.corrupt("the file does not start with an IHDR chunk")
            }
            if name == "IDAT" {
                imageData.append(UnsafeRawBufferPointer(rebasing: data[min(body, data.count)..<min(end, data.count)]))
                offset = end + 4
                continue
            }
            if !imageData.isEmpty { break }
            guard end + 4 <= data.count else { throw Self.truncated }
            let stored = UInt32(Self.bigEndian(data, at: end))
            guard CRC32.checksum(UnsafeRawBufferPointer(rebasing: data[offset + 4..<end])) == stored else {
                throw Self.corrupt("bad checksum in the \(name) chunk")
            }
            let content = UnsafeRawBufferPointer(rebasing: data[body..<end])
            switch name {
            case "IHDR" where header == nil:
                guard length == 13 else { throw Self.corrupt("the IHDR chunk's length is \(length), not 13") }
                header = try Self.parseHeader(content)
            case "PLTE":
                palette = Array(content)
            case "IEND":
                throw Self.corrupt("the file has no image data (IEND before any IDAT chunk)")
            default:
                break  // ancillary chunks: Pillow's RGB result does not depend on them
            }
            offset = end + 4
        }
        guard let header else { throw Self.truncated }
        if header.colorType == 3 {
            guard !palette.isEmpty else { throw Self.corrupt("a palette image without a PLTE chunk") }
            guard palette.count % 3 == 0, palette.count <= 768 else {
                throw Self.corrupt("invalid PLTE chunk length \(palette.count)")
            }
        }
        (width, height, bitDepth, colorType, interlaced) = header
        channels = Self.channelsOfColorType[colorType] ?? 1
        self.palette = palette
        self.imageData = imageData
    }

    private static func parseHeader(_ content: UnsafeRawBufferPointer) throws
        -> (width: Int, height: Int, bitDepth: Int, colorType: Int, interlaced: Bool)
    {
        let width = bigEndian(content, at: 0), height = bigEndian(content, at: 4)
        let bitDepth = Int(content[8]), colorType = Int(content[9])
        guard width > 0, height > 0, width <= Int(Int32.max), height <= Int(Int32.max) else {
            throw corrupt("invalid image size \(width)×\(height) in IHDR")
        }
        let depths: [Int: [Int]] = [0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16]]
        guard let allowed = depths[colorType] else { throw corrupt("unknown color type \(colorType) in IHDR") }
        guard allowed.contains(bitDepth) else {
            throw corrupt("bit depth \(bitDepth) is not allowed for color type \(colorType)")
        }
        guard content[10] == 0 else { throw corrupt("unknown compression method \(content[10]) in IHDR") }
        guard content[11] == 0 else { throw corrupt("unknown filter method \(content[11]) in IHDR") }
        guard content[12] <= 1 else { throw corrupt("unknown interlace method \(content[12]) in IHDR") }
        return (width, height, bitDepth, colorType, content[12] == 1)
    }

    /// Samples per pixel of each color type (PNG spec §11.2.2).
    private static let channelsOfColorType = [0: 1, 2: 3, 3: 1, 4: 2, 6: 4]

    static func bigEndian(_ data: UnsafeRawBufferPointer, at offset: Int) -> Int {
        Int(data[offset]) << 24 | Int(data[offset + 1]) << 16 | Int(data[offset + 2]) << 8 | Int(data[offset + 3])
    }

    static let truncated = MediaError.corrupt(format: .png, detail: "the file is truncated")

    static func corrupt(_ detail: String) -> MediaError { .corrupt(format: .png, detail: detail) }
}
