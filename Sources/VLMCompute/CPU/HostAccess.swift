/// Typed host access to tensors for the CPU kernels.
extension Tensor {
    @inline(__always)
    func floats() -> UnsafeMutablePointer<Float> {
        precondition(dtype == .f32, "expected an f32 tensor, got \(dtype) \(shape)")
        return rawAddress.assumingMemoryBound(to: Float.self)
    }

    @inline(__always)
    func int32s() -> UnsafeMutablePointer<Int32> {
        precondition(dtype == .i32, "expected an i32 tensor, got \(dtype) \(shape)")
        return rawAddress.assumingMemoryBound(to: Int32.self)
    }

    /// The first `count` elements as host f32 values.
    func floatArray(count: Int) -> [Float] {
        guard count > 0 else { return [] }
        return [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            if let base = buffer.baseAddress { loadFloats(from: 0, count: count, into: base) }
            initialized = count
        }
    }

    /// Copies `count` elements starting at element `start` into `out` as f32.
    @inline(__always)
    func loadFloats(from start: Int, count: Int, into out: UnsafeMutablePointer<Float>) {
        switch dtype {
        case .f32:
            out.update(from: rawAddress.assumingMemoryBound(to: Float.self) + start, count: count)
        case .bf16:
            let source = rawAddress.assumingMemoryBound(to: UInt16.self) + start
            var i = 0
            while i + 8 <= count {
                UnsafeMutableRawPointer(out + i).storeBytes(of: Vector.loadBF16x8(source + i), as: SIMD8<Float>.self)
                i += 8
            }
            while i < count {
                out[i] = BFloat16.toFloat(source[i])
                i += 1
            }
        case .f16:
            let source = rawAddress.assumingMemoryBound(to: UInt16.self) + start
            for i in 0 ..< count { out[i] = Half.toFloat(source[i]) }
        case .i32:
            preconditionFailure("an i32 tensor is not a float tensor")
        }
    }
}

/// SIMD helpers shared by the kernels.
enum Vector {
    @inline(__always)
    static func load8(_ p: UnsafePointer<Float>) -> SIMD8<Float> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
    }

    /// Eight bf16 values widened to f32 in registers.
    @inline(__always)
    static func loadBF16x8(_ p: UnsafePointer<UInt16>) -> SIMD8<Float> {
        let bits = SIMD8<UInt32>(truncatingIfNeeded: UnsafeRawPointer(p).loadUnaligned(as: SIMD8<UInt16>.self)) &<< 16
        return unsafeBitCast(bits, to: SIMD8<Float>.self)
    }

    /// dot(f32 x, bf16 w) converting w in registers: the decode GEMV path, where converting whole weight
    /// tiles first would cost as much as the multiply.
    @inline(__always)
    static func dotBF16(_ x: UnsafePointer<Float>, _ w: UnsafePointer<UInt16>, _ n: Int) -> Float {
        dot(x, n, eight: { loadBF16x8(w + $0) }, one: { BFloat16.toFloat(w[$0]) })
    }

    @inline(__always)
    static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ n: Int) -> Float {
        dot(a, n, eight: { load8(b + $0) }, one: { b[$0] })
    }

    /// Σ x[i]·w(i) with two SIMD8 accumulators; `eight(i)` loads w[i ..< i+8], `one(i)` loads w[i].
    @inline(__always)
    private static func dot(_ x: UnsafePointer<Float>, _ n: Int, eight: (Int) -> SIMD8<Float>, one: (Int) -> Float) -> Float {
        var acc0 = SIMD8<Float>(), acc1 = SIMD8<Float>()
        var i = 0
        while i + 16 <= n {
            acc0 += load8(x + i) * eight(i)
            acc1 += load8(x + i + 8) * eight(i + 8)
            i += 16
        }
        if i + 8 <= n {
            acc0 += load8(x + i) * eight(i)
            i += 8
        }
        var sum = (acc0 + acc1).sum()
        while i < n {
            sum += x[i] * one(i)
            i += 1
        }
        return sum
    }

    /// `y += alpha * x`.
    @inline(__always)
    static func axpy(_ alpha: Float, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) {
        var i = 0
        let a = SIMD8<Float>(repeating: alpha)
        while i + 8 <= n {
            let r = load8(y + i) + a * load8(x + i)
            UnsafeMutableRawPointer(y + i).storeBytes(of: r, as: SIMD8<Float>.self)
            i += 8
        }
        while i < n {
            y[i] += alpha * x[i]
            i += 1
        }
    }
}
