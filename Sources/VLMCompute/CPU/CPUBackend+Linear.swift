/// GEMM for `linear`: tiles of input rows × weight rows spread over the cores; each tile converts its
/// weight rows to f32 once and reuses them for all its input rows, four weight rows per pass over x.
extension CPUBackend {
    private static let tileRows = 64
    private static let tileWeights = 64
    /// Up to this many input rows, bf16 weights are converted in registers instead of per tile.
    private static let directRows = 4

    private func linearBF16FewRows(_ input: UnsafeMutablePointer<Float>, _ weight: Tensor, _ bias: [Float]?,
                                   _ output: UnsafeMutablePointer<Float>, m: Int, k: Int, n: Int)
    {
        let w = UnsafePointer(weight.rawAddress.assumingMemoryBound(to: UInt16.self))
        Parallel.forEachChunk(n, minimumChunk: max(1, 65536 / max(1, k * m))) { columns in
            for j in columns {
                for row in 0 ..< m {
                    output[row * n + j] = Vector.dotBF16(input + row * k, w + j * k, k) + (bias?[j] ?? 0)
                }
            }
        }
    }

    public func linear(_ x: Tensor, weight: Tensor, bias: Tensor?, into out: Tensor) {
        let m = x.rowCount, k = x.rowLength, n = weight.rowCount
        precondition(weight.rowLength == k && out.rowCount == m && out.rowLength == n,
                     "linear: \(x.shape) · \(weight.shape)ᵀ into \(out.shape)")
        precondition(bias.map { $0.elementCount == n } ?? true, "linear: bias for \(n) outputs has \(bias?.shape ?? [])")
        let input = x.floats(), output = out.floats()
        let biasValues = bias.map { $0.floatArray(count: n) }
        if weight.dtype == .bf16 && m <= Self.directRows {
            linearBF16FewRows(input, weight, biasValues, output, m: m, k: k, n: n)
            return
        }
        let rowTiles = (m + Self.tileRows - 1) / Self.tileRows
        let weightTiles = (n + Self.tileWeights - 1) / Self.tileWeights
        Parallel.forEachChunk(rowTiles * weightTiles, minimumChunk: max(1, 32768 / max(1, k * min(m, Self.tileRows)))) { tiles in
            let scratch = UnsafeMutablePointer<Float>.allocate(capacity: Self.tileWeights * k)
            defer { scratch.deallocate() }
            var loadedWeightTile = -1
            for tile in tiles {
                // Weight tile outermost so consecutive tiles of a chunk reuse the converted weights.
                let weightTile = tile / rowTiles, rowTile = tile % rowTiles
                let n0 = weightTile * Self.tileWeights, n1 = min(n, n0 + Self.tileWeights)
                let m0 = rowTile * Self.tileRows, m1 = min(m, m0 + Self.tileRows)
                let w: UnsafePointer<Float>
                if weight.dtype == .f32 {
                    w = UnsafePointer(weight.floats() + n0 * k)
                } else {
                    if loadedWeightTile != weightTile {
                        weight.loadFloats(from: n0 * k, count: (n1 - n0) * k, into: scratch)
                        loadedWeightTile = weightTile
                    }
                    w = UnsafePointer(scratch)
                }
                for row in m0 ..< m1 {
                    Self.dotTile(UnsafePointer(input + row * k), w, k: k, count: n1 - n0, into: output + row * n + n0)
                }
                if let biasValues {
                    for row in m0 ..< m1 {
                        for j in n0 ..< n1 { output[row * n + j] += biasValues[j] }
                    }
                }
            }
        }
    }

    /// `out[j] = dot(x, w[j])` for `count` consecutive weight rows of length `k`.
    @inline(__always)
    private static func dotTile(_ x: UnsafePointer<Float>, _ w: UnsafePointer<Float>, k: Int, count: Int,
                                into out: UnsafeMutablePointer<Float>)
    {
        var j = 0
        while j + 4 <= count {
            let w0 = w + j * k, w1 = w0 + k, w2 = w1 + k, w3 = w2 + k
            var a0 = SIMD8<Float>(), a1 = SIMD8<Float>(), a2 = SIMD8<Float>(), a3 = SIMD8<Float>()
            var i = 0
            while i + 8 <= k {
                let xv = Vector.load8(x + i)
                a0 += xv * Vector.load8(w0 + i)
                a1 += xv * Vector.load8(w1 + i)
                a2 += xv * Vector.load8(w2 + i)
                a3 += xv * Vector.load8(w3 + i)
                i += 8
            }
            var s0 = a0.sum(), s1 = a1.sum(), s2 = a2.sum(), s3 = a3.sum()
            while i < k {
                s0 += x[i] * w0[i]
                s1 += x[i] * w1[i]
                s2 += x[i] * w2[i]
                s3 += x[i] * w3[i]
                i += 1
            }
            out[j] = s0
            out[j + 1] = s1
            out[j + 2] = s2
            out[j + 3] = s3
            j += 4
        }
        while j < count {
            out[j] = Vector.dot(x, w + j * k, k)
            j += 1
        }
    }
}
