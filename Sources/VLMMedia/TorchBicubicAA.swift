/// torchvision's `F.resize(uint8 tensor, size, BICUBIC, antialias=True)` as qwen-vl-utils uses it for
/// video frames: the frame is cast to float32, resized by PyTorch's separable anti-aliased bicubic
/// (a = −0.5, support scaled by the downscale factor, width pass then height pass, float32
/// throughout), clamped to 0...255 and rounded half to even. Weights reproduce PyTorch's bit for bit
/// (its filter is compiled with fused multiply-adds); sums may differ in the last float bit, which
/// changes a rounded byte only when the exact value sits on a .5 boundary.
enum TorchBicubicAA {
    struct Weights {
        let first: [Int]
        let count: [Int]
        let taps: Int
        let values: [Float]

        init(inSize: Int, outSize: Int) {
            let scale = Float(inSize) / Float(outSize)
            let support: Float = scale >= 1 ? Float(2.0 * Double(scale)) : 2.0
            let inverse: Float = scale >= 1 ? Float(1.0 / Double(scale)) : 1.0
            taps = scale >= 1 ? Int(support.rounded(.up)) * 2 + 1 : 4
            var first = [Int](repeating: 0, count: outSize)
            var count = [Int](repeating: 0, count: outSize)
            var values = [Float](repeating: 0, count: outSize * taps)
            for i in 0..<outSize {
                // PyTorch mixes float and double exactly like this (the centre is stored as float).
                let center = Float(Double(scale) * (Double(i) + 0.5))
                let xmin = max(Int(Double(center - support) + 0.5), 0)
                let size = max(0, min(min(Int(Double(center + support) + 0.5), inSize) - xmin, taps))
                var total: Float = 0
                for j in 0..<size {
                    let w = Self.filter(Float((Double(Float(j + xmin) - center) + 0.5) * Double(inverse)))
                    values[i * taps + j] = w
                    total += w
                }
                if total != 0 { for j in 0..<size { values[i * taps + j] /= total } }
                first[i] = xmin
                count[i] = size
            }
            self.first = first
            self.count = count
            self.values = values
        }

        /// PyTorch's bicubic `aa_filter`, with the multiply-adds fused as its build fuses them.
        static func filter(_ value: Float) -> Float {
            let a: Float = -0.5
            let x = abs(value)
            if x < 1 {
                let t = (-(a + 3)).addingProduct(a + 2, x)
                return Float(1).addingProduct(t * x, x)
            }
            if x < 2 {
                let t = (-5 * a).addingProduct(a, x)
                let u = (8 * a).addingProduct(t, x)
                return (-4 * a).addingProduct(u, x)
            }
            return 0
        }
    }

    /// One weighted sum of `taps` values `stride` apart, in PyTorch's order: the first product, then
    /// fused multiply-adds for the short (≤ 4 tap) kernels and separate multiply and add for longer
    /// ones.
    @inline(__always)
    static func sum(_ values: UnsafePointer<Float>, stride: Int, taps: Int, _ w: UnsafePointer<Float>) -> Float {
        guard taps > 0 else { return 0 }
        var s = values[0] * w[0]
        var j = 1
        if taps <= 4 {
            while j < taps {
                s = s.addingProduct(values[j * stride], w[j])
                j += 1
            }
        } else {
            while j < taps {
                s += values[j * stride] * w[j]
                j += 1
            }
        }
        return s
    }

    static func resize(_ image: RGBImage, width: Int, height: Int) -> RGBImage {
        if width == image.width && height == image.height { return image }
        var values = image.pixels.map(Float.init)
        // Width pass over rows of pixels of 3 values, then height pass over one line of rows.
        if width != image.width {
            values = pass(values, lines: image.height, elements: 3, Weights(inSize: image.width, outSize: width))
        }
        if height != image.height {
            values = pass(values, lines: 1, elements: 3 * width, Weights(inSize: image.height, outSize: height))
        }
        return RGBImage(width: width, height: height) { out in
            for i in 0..<values.count { out[i] = UInt8(min(max(values[i], 0), 255).rounded(.toNearestOrEven)) }
        }
    }

    /// Resamples `lines` independent lines of items, each item `elements` floats, along the items:
    /// `out[line][o][e] = Σ_j w[o][j] · in[line][first[o] + j][e]`.
    private static func pass(_ input: [Float], lines: Int, elements: Int, _ c: Weights) -> [Float] {
        let outCount = c.first.count
        let inCount = input.count / (lines * elements)
        var output = [Float](repeating: 0, count: lines * outCount * elements)
        input.withUnsafeBufferPointer { src in
            c.values.withUnsafeBufferPointer { weights in
                output.withUnsafeMutableBufferPointer { dst in
                    guard let src = src.baseAddress, let w = weights.baseAddress, let out = dst.baseAddress else { return }
                    ParallelRows.run(count: lines * outCount) { range in
                        for index in range {
                            let (line, o) = index.quotientAndRemainder(dividingBy: outCount)
                            let start = src + (line * inCount + c.first[o]) * elements
                            let target = out + index * elements
                            for e in 0..<elements {
                                target[e] = sum(start + e, stride: elements, taps: c.count[o], w + o * c.taps)
                            }
                        }
                    }
                }
            }
        }
        return output
    }
}
