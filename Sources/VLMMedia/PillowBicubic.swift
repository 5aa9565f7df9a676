import Dispatch

/// Pillow's `Image.resize(size, BICUBIC)` on 8-bit RGB, bit for bit (libImaging/Resample.c):
/// separable convolution with the a = −0.5 cubic, support scaled by the downscale factor,
/// coefficients normalised in double precision then rounded to 22-bit fixed point, sums rounded
/// with +2^21 and clipped to 0...255 after each pass.
enum PillowBicubic {
    /// One axis of the resampling: for each output index, the first input index, the tap count and
    /// `taps` fixed-point coefficients.
    struct Coefficients {
        let inSize: Int
        /// Leading outputs whose window ends before the last input pixel (safe for 4-byte loads).
        let vectorSafe: Int
        let first: [Int]
        let count: [Int]
        let taps: Int
        let weights: [Int32]

        static let precisionBits = 22

        init(inSize: Int, outSize: Int) {
            // Pillow passes the source box as float32; sides below 2^24 stay exact.
            self.inSize = inSize
            let scale = Double(Float(inSize)) / Double(outSize)
            let filterScale = max(scale, 1.0)
            let support = 2.0 * filterScale
            taps = Int(support.rounded(.up)) * 2 + 1
            var first = [Int](repeating: 0, count: outSize)
            var count = [Int](repeating: 0, count: outSize)
            var weights = [Int32](repeating: 0, count: outSize * taps)
            var kernel = [Double](repeating: 0, count: taps)
            for xx in 0..<outSize {
                let center = (Double(xx) + 0.5) * scale
                let inverse = 1.0 / filterScale
                let xmin = max(0, Int(center - support + 0.5))
                let xmax = min(inSize, Int(center + support + 0.5)) - xmin
                var sum = 0.0
                for x in 0..<xmax {
                    let w = Self.cubic((Double(x + xmin) - center + 0.5) * inverse)
                    kernel[x] = w
                    sum += w
                }
                for x in 0..<xmax {
                    let k = sum != 0 ? kernel[x] / sum : kernel[x]
                    let scaled = k * Double(1 << Self.precisionBits)
                    weights[xx * taps + x] = Int32(k < 0 ? -0.5 + scaled : 0.5 + scaled)
                }
                first[xx] = xmin
                count[xx] = xmax
            }
            self.first = first
            self.count = count
            self.weights = weights
            // Windows only grow to the right, so the outputs that never touch the last input pixel
            // form a prefix.
            vectorSafe = zip(first, count).prefix { $0 + $1 < inSize }.count
        }

        /// Keys' cubic with a = −0.5, evaluated in Pillow's operation order.
        private static func cubic(_ value: Double) -> Double {
            let a = -0.5
            let x = abs(value)
            if x < 1.0 { return ((a + 2.0) * x - (a + 3.0)) * x * x + 1 }
            if x < 2.0 { return (((x - 5) * x + 8) * x - 4) * a }
            return 0.0
        }
    }

    /// Rounds a fixed-point sum back to a byte: Pillow's `clip8`.
    @inline(__always)
    static func clip(_ sum: Int32) -> UInt8 {
        let v = sum >> Int32(Coefficients.precisionBits)
        return v <= 0 ? 0 : (v >= 255 ? 255 : UInt8(truncatingIfNeeded: v))
    }

    /// Pillow 13 runs the vertical pass first when the height shrinks by more than twice as many
    /// pixels as the width does (python-pillow/Pillow#9549); otherwise horizontal first. The order
    /// changes rounding, so it must match.
    static func verticalFirst(inWidth: Int, inHeight: Int, outWidth: Int, outHeight: Int) -> Bool {
        outHeight < inHeight && (inHeight - outHeight) > 2 * (inWidth - outWidth)
    }

    static func resize(_ image: RGBImage, width: Int, height: Int) -> RGBImage {
        if width == image.width && height == image.height { return image }
        let horizontal = width != image.width ? Coefficients(inSize: image.width, outSize: width) : nil
        let vertical = height != image.height ? Coefficients(inSize: image.height, outSize: height) : nil
        var current = image
        let passes: [(Coefficients?, Bool)] =
            verticalFirst(inWidth: image.width, inHeight: image.height, outWidth: width, outHeight: height)
            ? [(vertical, false), (horizontal, true)] : [(horizontal, true), (vertical, false)]
        for case let (coefficients?, isHorizontal) in passes {
            current = isHorizontal ? horizontalPass(current, coefficients) : verticalPass(current, coefficients)
        }
        return current
    }

    static func horizontalPass(_ image: RGBImage, _ c: Coefficients) -> RGBImage {
        let outWidth = c.first.count
        return RGBImage(width: outWidth, height: image.height) { out in
            image.pixels.withUnsafeBufferPointer { input in
                c.weights.withUnsafeBufferPointer { weights in
                    guard let src = input.baseAddress, let k = weights.baseAddress else { return }
                    ParallelRows.run(count: image.height) { rows in
                        for y in rows {
                            horizontalRow(src + 3 * image.width * y, c, k, into: out + 3 * outWidth * y)
                        }
                    }
                }
            }
        }
    }

    /// One output row of the horizontal pass. A pixel's R, G, B (and the next pixel's R, whose lane
    /// is ignored) are summed in one 4-lane vector, two output pixels per 8-lane step when their tap
    /// counts agree, and stored 4 bytes at a time (the next pixel overwrites the spare byte). Pixels
    /// whose window reaches the last input pixel, and the last output pixel, go byte by byte so
    /// nothing past either row is read or written.
    @inline(__always)
    static func horizontalRow(
        _ row: UnsafePointer<UInt8>, _ c: Coefficients, _ k: UnsafePointer<Int32>, into out: UnsafeMutablePointer<UInt8>
    ) {
        let half = SIMD4<Int32>(repeating: 1 << Int32(Coefficients.precisionBits - 1))
        let outWidth = c.first.count
        let vectorEnd = min(c.vectorSafe, outWidth - 1)
        c.first.withUnsafeBufferPointer { first in
            c.count.withUnsafeBufferPointer { count in
                guard let first = first.baseAddress, let count = count.baseAddress else { return }
                var xx = 0
                while xx + 1 < vectorEnd {
                    let n = count[xx]
                    let p0 = UnsafeRawPointer(row + 3 * first[xx]), w0 = k + xx * c.taps
                    guard count[xx + 1] == n else {
                        var sum = half
                        for x in 0..<n {
                            sum &+= SIMD4<Int32>(truncatingIfNeeded: p0.loadUnaligned(fromByteOffset: 3 * x, as: SIMD4<UInt8>.self)) &* w0[x]
                        }
                        UnsafeMutableRawPointer(out + 3 * xx).storeBytes(of: SIMD4<UInt8>(truncatingIfNeeded: clamp(sum)), as: SIMD4<UInt8>.self)
                        xx += 1
                        continue
                    }
                    let p1 = UnsafeRawPointer(row + 3 * first[xx + 1]), w1 = w0 + c.taps
                    var sum = SIMD8<Int32>(lowHalf: half, highHalf: half)
                    for x in 0..<n {
                        let bytes = SIMD8<UInt8>(
                            lowHalf: p0.loadUnaligned(fromByteOffset: 3 * x, as: SIMD4<UInt8>.self),
                            highHalf: p1.loadUnaligned(fromByteOffset: 3 * x, as: SIMD4<UInt8>.self))
                        let weights = SIMD8<Int32>(lowHalf: SIMD4(repeating: w0[x]), highHalf: SIMD4(repeating: w1[x]))
                        sum &+= SIMD8<Int32>(truncatingIfNeeded: bytes) &* weights
                    }
                    UnsafeMutableRawPointer(out + 3 * xx).storeBytes(
                        of: SIMD4<UInt8>(truncatingIfNeeded: clamp(sum.lowHalf)), as: SIMD4<UInt8>.self)
                    UnsafeMutableRawPointer(out + 3 * xx + 3).storeBytes(
                        of: SIMD4<UInt8>(truncatingIfNeeded: clamp(sum.highHalf)), as: SIMD4<UInt8>.self)
                    xx += 2
                }
                while xx < outWidth {
                    let p = row + 3 * first[xx], w = k + xx * c.taps
                    var sum = half
                    for x in 0..<count[xx] {
                        sum &+= SIMD4<Int32>(Int32(p[3 * x]), Int32(p[3 * x + 1]), Int32(p[3 * x + 2]), 0) &* w[x]
                    }
                    let bytes = clamp(sum)
                    for channel in 0..<3 { out[3 * xx + channel] = UInt8(truncatingIfNeeded: bytes[channel]) }
                    xx += 1
                }
            }
        }
    }

    /// `clip` on four sums at once.
    @inline(__always)
    static func clamp(_ sum: SIMD4<Int32>) -> SIMD4<Int32> {
        let v = sum &>> Int32(Coefficients.precisionBits)
        return v.clamped(lowerBound: SIMD4(repeating: 0), upperBound: SIMD4(repeating: 255))
    }

    static func verticalPass(_ image: RGBImage, _ c: Coefficients) -> RGBImage {
        let rowBytes = 3 * image.width
        return RGBImage(width: image.width, height: c.first.count) { out in
            image.pixels.withUnsafeBufferPointer { input in
                c.weights.withUnsafeBufferPointer { weights in
                    guard let src = input.baseAddress, let k = weights.baseAddress else { return }
                    ParallelRows.run(count: c.first.count) { rows in
                        for yy in rows {
                            verticalRow(
                                src + rowBytes * c.first[yy], rowBytes: rowBytes, taps: c.count[yy],
                                weights: k + yy * c.taps, into: out + rowBytes * yy)
                        }
                    }
                }
            }
        }
    }

    /// One output row from `taps` consecutive input rows starting at `top`; vectorised across bytes.
    @inline(__always)
    static func verticalRow(
        _ top: UnsafePointer<UInt8>, rowBytes: Int, taps: Int, weights: UnsafePointer<Int32>,
        into out: UnsafeMutablePointer<UInt8>
    ) {
        let half: Int32 = 1 << Int32(Coefficients.precisionBits - 1)
        let lanes = 16
        var i = 0
        while i + lanes <= rowBytes {
            var sum = SIMD16<Int32>(repeating: half)
            for t in 0..<taps {
                let bytes = UnsafeRawPointer(top + t * rowBytes + i).loadUnaligned(as: SIMD16<UInt8>.self)
                sum &+= SIMD16<Int32>(truncatingIfNeeded: bytes) &* weights[t]
            }
            let shifted = sum &>> Int32(Coefficients.precisionBits)
            let clamped = shifted.clamped(lowerBound: SIMD16(repeating: 0), upperBound: SIMD16(repeating: 255))
            UnsafeMutableRawPointer(out + i).storeBytes(of: SIMD16<UInt8>(truncatingIfNeeded: clamped), as: SIMD16<UInt8>.self)
            i += lanes
        }
        while i < rowBytes {
            var sum = half
            for t in 0..<taps { sum &+= Int32(top[t * rowBytes + i]) &* weights[t] }
            out[i] = clip(sum)
            i += 1
        }
    }
}
