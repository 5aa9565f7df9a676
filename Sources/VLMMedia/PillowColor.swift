/// Pillow's integer colour conversions into RGB, row by row, so decoders can hand over rows in the
/// mode Pillow would open the file in and get the same bytes `to_rgb` (qwen-vl-utils) produces.
enum PillowColor {
    /// qwen-vl-utils `to_rgb` for mode RGBA: paste onto white through the alpha mask. Pillow's
    /// `paste` blends with `DIV255(out·(255−a) + in·a)`, DIV255(x) = ((x+128) + (x+128)>>8) >> 8.
    @inline(__always)
    static func onWhite(_ value: UInt8, alpha: UInt8) -> UInt8 {
        let a = Int(alpha)
        let t = 255 * (255 - a) + Int(value) * a + 128
        return UInt8(truncatingIfNeeded: ((t >> 8) + t) >> 8)
    }

    /// RGBA → RGB on white; `rgba` holds `count` pixels.
    static func rgbaOnWhite(_ rgba: UnsafePointer<UInt8>, count: Int, into out: UnsafeMutablePointer<UInt8>) {
        for x in 0..<count {
            let alpha = rgba[4 * x + 3]
            out[3 * x] = onWhite(rgba[4 * x], alpha: alpha)
            out[3 * x + 1] = onWhite(rgba[4 * x + 1], alpha: alpha)
            out[3 * x + 2] = onWhite(rgba[4 * x + 2], alpha: alpha)
        }
    }

    /// RGBA/RGBX → RGB dropping the fourth byte.
    static func dropFourth(_ rgba: UnsafePointer<UInt8>, count: Int, into out: UnsafeMutablePointer<UInt8>) {
        for x in 0..<count {
            out[3 * x] = rgba[4 * x]
            out[3 * x + 1] = rgba[4 * x + 1]
            out[3 * x + 2] = rgba[4 * x + 2]
        }
    }

    /// Gray (mode L) → RGB: the value in all three channels.
    static func grayToRGB(_ gray: UnsafePointer<UInt8>, count: Int, stride: Int, into out: UnsafeMutablePointer<UInt8>) {
        for x in 0..<count {
            let v = gray[x * stride]
            out[3 * x] = v
            out[3 * x + 1] = v
            out[3 * x + 2] = v
        }
    }

    /// Palette (mode P) → RGB through a 256-entry table; transparency is ignored, as
    /// `convert("RGB")` does.
    static func paletteToRGB(
        _ indices: UnsafePointer<UInt8>, count: Int, palette: UnsafePointer<UInt8>, into out: UnsafeMutablePointer<UInt8>
    ) {
        for x in 0..<count {
            let entry = 3 * Int(indices[x])
            out[3 * x] = palette[entry]
            out[3 * x + 1] = palette[entry + 1]
            out[3 * x + 2] = palette[entry + 2]
        }
    }

    /// JPEG CMYK as libjpeg returns it (Adobe-inverted) → RGB. Pillow reads it as "CMYK;I"
    /// (each byte inverted) and converts with `cmyk2rgb`: nk = 255 − k, c' = nk − MULDIV255(c, nk).
    static func invertedCMYKToRGB(_ cmyk: UnsafePointer<UInt8>, count: Int, into out: UnsafeMutablePointer<UInt8>) {
        for x in 0..<count {
            let nk = Int(cmyk[4 * x + 3])  // 255 − (255 − raw k)
            for c in 0..<3 {
                let ink = 255 - Int(cmyk[4 * x + c])
                let t = ink * nk + 128
                let scaled = ((t >> 8) + t) >> 8
                out[3 * x + c] = UInt8(truncatingIfNeeded: max(0, nk - scaled))
            }
        }
    }

    /// A 256-entry palette from a file's (possibly shorter) one; Pillow maps the missing entries to
    /// black.
    static func fullPalette(_ entries: UnsafeRawBufferPointer, count: Int) -> [UInt8] {
        var table = [UInt8](repeating: 0, count: 768)
        for i in 0..<min(count * 3, 768, entries.count) { table[i] = entries[i] }
        return table
    }
}
