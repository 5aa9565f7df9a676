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

    /// Copies `count` elements starting at element `start` into `out` as f32.
    @inline(__always)
    func loadFloats(from start: Int, count: Int, into out: UnsafeMutablePointer<Float>) {
        switch dtype {
        case .f32:
            out.update(from: rawAddress.assumingMemoryBound(to: Float.self) + start, count: count)
        case .bf16:
            let source = rawAddress.assumingMemoryBound(to: UInt16.self) + start
            for i in 0 ..< count { out[i] = BFloat16.toFloat(source[i]) }
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

    @inline(__always)
    static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ n: Int) -> Float {
        var acc0 = SIMD8<Float>(), acc1 = SIMD8<Float>()
        var i = 0
        while i + 16 <= n {
            acc0 += load8(a + i) * load8(b + i)
            acc1 += load8(a + i + 8) * load8(b + i + 8)
            i += 16
        }
        if i + 8 <= n {
            acc0 += load8(a + i) * load8(b + i)
            i += 8
        }
        var sum = (acc0 + acc1).sum()
        while i < n {
            sum += a[i] * b[i]
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
