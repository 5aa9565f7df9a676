#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Rotary tables and the NeoX rotation. Angles are `Float(position) * inverseFrequency` in fp32, as
/// transformers computes them, then cos/sin in fp32.
extension CPUBackend {
    public func rotaryTable(positions: Tensor, inverseFrequencies: Tensor, axes: Tensor, cos: Tensor, sin: Tensor) {
        let tokens = positions.rowLength, frequencies = inverseFrequencies.elementCount
        precondition(axes.elementCount == frequencies && cos.elementCount == tokens * frequencies
            && sin.elementCount == tokens * frequencies, "rotaryTable: shapes \(positions.shape) \(inverseFrequencies.shape) \(cos.shape)")
        let position = positions.int32s(), inverse = inverseFrequencies.floats(), axis = axes.int32s()
        let cosines = cos.floats(), sines = sin.floats()
        for j in 0 ..< frequencies {
            precondition(Int(axis[j]) >= 0 && Int(axis[j]) < positions.rowCount, "rotaryTable: axis \(axis[j]) out of range")
        }
        for t in 0 ..< tokens {
            for j in 0 ..< frequencies {
                let angle = Float(position[Int(axis[j]) * tokens + t]) * inverse[j]
                cosines[t * frequencies + j] = cosf(angle)
                sines[t * frequencies + j] = sinf(angle)
            }
        }
    }

    public func applyRotary(_ x: Tensor, cos: Tensor, sin: Tensor, into out: Tensor) {
        let tokens = x.rowCount, half = cos.rowLength
        precondition(x.rowLength % (2 * half) == 0 && cos.rowCount == tokens && out.elementCount == x.elementCount,
                     "applyRotary: \(x.shape) with table \(cos.shape)")
        let heads = x.rowLength / (2 * half)
        let input = x.floats(), output = out.floats(), cosines = cos.floats(), sines = sin.floats()
        Parallel.forEachChunk(tokens, minimumChunk: max(1, 8192 / max(1, x.rowLength))) { rows in
            for t in rows {
                let c = cosines + t * half, s = sines + t * half
                for h in 0 ..< heads {
                    let base = (t * heads + h) * 2 * half
                    for j in 0 ..< half {
                        let a = input[base + j], b = input[base + j + half]
                        output[base + j] = a * c[j] - b * s[j]
                        output[base + j + half] = b * c[j] + a * s[j]
                    }
                }
            }
        }
    }
}
