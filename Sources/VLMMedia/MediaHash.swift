/// Content hashes that identify processed media for prefix caching: the same encoded bytes under
/// the same processing parameters give the same pixel patches, so they may share KV blocks.
public enum MediaHash {
    /// Lowercase hex SHA-256 of `bytes`.
    public static func sha256Hex(_ bytes: [UInt8]) -> String {
        var hasher = SHA256()
        hasher.update(bytes)
        return hex(hasher.finalize())
    }

    /// SHA-256 over the encoded bytes and a canonical description of everything that decides the
    /// patches: the processor configuration and the request options.
    public static func image(encoded: [UInt8], config: ProcessorConfig, options: ImageOptions) -> String {
        digest(encoded, parameters: "image|\(describe(config))|\(options.minPixels ?? 0)|\(options.maxPixels ?? 0)|"
            + "\(options.resizedHeight ?? 0)|\(options.resizedWidth ?? 0)")
    }

    public static func video(encoded: [UInt8], config: ProcessorConfig, options: VideoOptions) -> String {
        let o = options
        let keys = [o.nframes, o.minFrames, o.maxFrames, o.minPixels, o.maxPixels, o.totalPixels, o.resizedHeight, o.resizedWidth]
        return digest(
            encoded, parameters: "video|\(describe(config))|\(o.fps.map { "\($0)" } ?? "-")|" + keys.map { "\($0 ?? 0)" }.joined(separator: "|"))
    }

    private static func describe(_ c: ProcessorConfig) -> String {
        let numbers = [c.minPixels, c.maxPixels, c.patchSize, c.temporalPatchSize, c.mergeSize].map(String.init)
        let floats = (c.imageMean + c.imageStd + [c.rescaleFactor]).map { "\($0)" }
        return (numbers + floats + [c.doResize, c.doRescale, c.doNormalize].map { $0 ? "1" : "0" }).joined(separator: ",")
    }

    private static func digest(_ encoded: [UInt8], parameters: String) -> String {
        var hasher = SHA256()
        hasher.update(Array("vlm-media-v1\n\(parameters)\n".utf8))
        hasher.update(encoded)
        return hex(hasher.finalize())
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 15)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
