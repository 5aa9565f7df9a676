#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// RMSNorm and LayerNorm over the last dimension, statistics in fp32 as transformers computes them.
extension CPUBackend {
    public func rmsNorm(_ x: Tensor, weight: Tensor, epsilon: Float, into out: Tensor) {
        normalizeRows(x, out, weight: weight) { row, gamma, result, width in
            Self.rmsNormRow(row, gamma, result, width, epsilon)
        }
    }

    public func addRMSNorm(_ x: Tensor, residual: Tensor, weight: Tensor, epsilon: Float, into out: Tensor) {
        precondition(x.elementCount == residual.elementCount, "addRMSNorm: \(x.shape) + \(residual.shape)")
        let input = x.floats(), sum = residual.floats()
        let width = residual.rowLength
        normalizeRows(residual, out, weight: weight) { row, gamma, result, _ in
            let offset = row - UnsafePointer(sum)
            for i in 0 ..< width { sum[offset + i] += input[offset + i] }
            Self.rmsNormRow(row, gamma, result, width, epsilon)
        }
    }

    public func layerNorm(_ x: Tensor, weight: Tensor, bias: Tensor, epsilon: Float, into out: Tensor) {
        let width = x.rowLength
        let beta = bias.floatArray(count: width)
        normalizeRows(x, out, weight: weight) { row, gamma, result, width in
            var mean: Float = 0
            for i in 0 ..< width { mean += row[i] }
            mean /= Float(width)
            var variance: Float = 0
            for i in 0 ..< width {
                let d = row[i] - mean
                variance += d * d
            }
            variance /= Float(width)
            let scale = 1 / sqrtf(variance + epsilon)
            for i in 0 ..< width { result[i] = (row[i] - mean) * scale * gamma[i] + beta[i] }
        }
    }

    @inline(__always)
    private static func rmsNormRow(_ row: UnsafePointer<Float>, _ gamma: UnsafePointer<Float>,
                                   _ result: UnsafeMutablePointer<Float>, _ width: Int, _ epsilon: Float)
    {
        let meanSquare = Vector.dot(row, row, width) / Float(width)
        let scale = 1 / sqrtf(meanSquare + epsilon)
        for i in 0 ..< width { result[i] = gamma[i] * (row[i] * scale) }
    }

    /// Runs `body(row, weight, result, width)` for every row, weights converted to f32 once.
    private func normalizeRows(_ x: Tensor, _ out: Tensor, weight: Tensor,
                               _ body: (UnsafePointer<Float>, UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int) -> Void)
    {
        let width = x.rowLength
        precondition(weight.elementCount == width && out.elementCount == x.elementCount,
                     "norm: \(x.shape) with weight \(weight.shape) into \(out.shape)")
        guard width > 0 else { return }
        let gamma = weight.floatArray(count: width)
        let input = x.floats(), output = out.floats()
        gamma.withUnsafeBufferPointer { g in
            guard let weights = g.baseAddress else { return }
            Parallel.forEachChunk(x.rowCount, minimumChunk: max(1, 16384 / max(width, 1))) { rows in
                for r in rows { body(input + r * width, weights, output + r * width, width) }
            }
        }
    }
}
