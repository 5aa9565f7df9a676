#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import VLMCompute

/// GEMMs, norms, element-wise ops, rotary embeddings and row movement, at the model's shapes.
extension CheckContext {
    func checkLinear(_ label: String, rows: Int, inputs: Int, outputs: Int, bias: Bool, weightType: DType = .bf16,
                     f32Output: Bool = false, weight: TensorPair? = nil)
    {
        let shape = "\(rows)×\(inputs) · \(outputs)×\(inputs)ᵀ" + (bias ? " + bias" : "") + (weightType == .bf16 ? "" : ", \(weightType.rawValue) weight")
        group("linear \(label)", shape) {
            let x = try activation([rows, inputs])
            let w = try weight ?? self.weight([outputs, inputs], dtype: weightType, scale: 1 / Float(inputs).squareRoot())
            let b = bias ? try self.weight([outputs], dtype: weightType) : nil
            let out = try output([rows, outputs], dtype: f32Output ? .f32 : nil)
            reference.linear(x.reference, weight: w.reference, bias: b?.reference, into: out.reference)
            device.linear(x.device, weight: w.device, bias: b?.device, into: out.device)
            compare("linear \(label)", shape, out)
        }
    }

    func checkEmbedding(rows: Int, table: TensorPair) {
        let shape = "\(rows) ids from \(table.reference.shape[0])×\(table.reference.shape[1]) \(table.reference.dtype.rawValue)"
        group("embedding", shape) {
            let vocabulary = table.reference.shape[0]
            // The first and last rows of the table, then random ones.
            let ids = (0 ..< rows).map { i in Int32(i == 0 ? 0 : i == 1 ? vocabulary - 1 : random.below(vocabulary)) }
            let idPair = try indices(ids)
            let out = try output([rows, table.reference.shape[1]])
            reference.embedding(ids: idPair.reference, table: table.reference, into: out.reference)
            device.embedding(ids: idPair.device, table: table.device, into: out.device)
            compare("embedding", shape, out, exact: table.reference.dtype == .bf16 || device.activationType == .f32)
        }
    }

    func checkNorms(rows: Int, width: Int, weightType: DType = .bf16) {
        let shape = "\(rows)×\(width)" + (weightType == .bf16 ? "" : ", \(weightType.rawValue) weight")
        group("rmsNorm", shape) {
            let x = try activation([rows, width], scale: 4)
            let w = try weight([width], dtype: weightType)
            let out = try output([rows, width])
            reference.rmsNorm(x.reference, weight: w.reference, epsilon: 1e-6, into: out.reference)
            device.rmsNorm(x.device, weight: w.device, epsilon: 1e-6, into: out.device)
            compare("rmsNorm", shape, out)
        }
        group("addRMSNorm", shape) {
            let x = try activation([rows, width]), residual = try activation([rows, width], scale: 4)
            let w = try weight([width], dtype: weightType)
            let out = try output([rows, width])
            reference.addRMSNorm(x.reference, residual: residual.reference, weight: w.reference, epsilon: 1e-6, into: out.reference)
            device.addRMSNorm(x.device, residual: residual.device, weight: w.device, epsilon: 1e-6, into: out.device)
            compare("addRMSNorm (residual)", shape, residual)
            compare("addRMSNorm", shape, out)
        }
        group("layerNorm", shape) {
            let x = try activation([rows, width], scale: 3)
            let w = try weight([width], dtype: weightType), b = try weight([width], dtype: weightType)
            let out = try output([rows, width])
            reference.layerNorm(x.reference, weight: w.reference, bias: b.reference, epsilon: 1e-6, into: out.reference)
            device.layerNorm(x.device, weight: w.device, bias: b.device, epsilon: 1e-6, into: out.device)
            compare("layerNorm", shape, out)
        }
    }

    func checkElementwise(rows: Int, width: Int) {
        let shape = "\(rows)×\(width)"
        group("add", shape) {
            let a = try activation([rows, width]), b = try activation([rows, width])
            let out = try output([rows, width])
            reference.add(a.reference, b.reference, into: out.reference)
            device.add(a.device, b.device, into: out.device)
            compare("add", shape, out)
        }
        group("siluMul", shape) {
            // In place, as the MLP calls it.
            let gate = try activation([rows, width], scale: 6), up = try activation([rows, width])
            reference.siluMul(gate: gate.reference, up: up.reference, into: gate.reference)
            device.siluMul(gate: gate.device, up: up.device, into: gate.device)
            compare("siluMul (in place)", shape, gate)
        }
        for (name, run) in [("gelu", { (b: Backend, x: Tensor, o: Tensor) in b.gelu(x, into: o) }),
                            ("quickGELU", { (b: Backend, x: Tensor, o: Tensor) in b.quickGELU(x, into: o) })]
        {
            group(name, shape) {
                let x = try activation([rows, width], scale: 6)
                let out = try output([rows, width])
                run(reference, x.reference, out.reference)
                run(device, x.device, out.device)
                compare(name, shape, out)
            }
        }
    }

    /// Tables for `axes.count` frequencies over `axisCount` position rows, then the rotation of q-like
    /// `[tokens, heads, 2F]` in place (as the attention layers call it).
    func checkRotary(_ label: String, tokens: Int, heads: Int, axes: [Int32], axisCount: Int, theta: Float, maxPosition: Int) {
        let frequencies = axes.count
        let tableShape = "\(label): \(axisCount)×\(tokens) positions, \(frequencies) frequencies"
        group("rotaryTable", tableShape) {
            let positions = try indices((0 ..< axisCount * tokens).map { _ in Int32(random.below(maxPosition)) }, shape: [axisCount, tokens])
            let inverse = (0 ..< frequencies).map { 1 / powf(theta, Float(2 * $0) / Float(2 * frequencies)) }
            let inversePair = TensorPair(reference: try reference.upload(inverse, shape: [frequencies], dtype: .f32),
                                         device: try device.upload(inverse, shape: [frequencies], dtype: .f32))
            let axisPair = try indices(axes)
            let cos = try output([tokens, frequencies], dtype: .f32), sin = try output([tokens, frequencies], dtype: .f32)
            reference.rotaryTable(positions: positions.reference, inverseFrequencies: inversePair.reference, axes: axisPair.reference,
                                  cos: cos.reference, sin: sin.reference)
            device.rotaryTable(positions: positions.device, inverseFrequencies: inversePair.device, axes: axisPair.device, cos: cos.device,
                               sin: sin.device)
            compare("rotaryTable cos", tableShape, cos)
            compare("rotaryTable sin", tableShape, sin)
            let rotateShape = "\(label): \(tokens)×\(heads)×\(2 * frequencies)"
            let x = try activation([tokens, heads, 2 * frequencies], scale: 2)
            reference.applyRotary(x.reference, cos: cos.reference, sin: sin.reference, into: x.reference)
            device.applyRotary(x.device, cos: cos.device, sin: sin.device, into: x.device)
            compare("applyRotary (in place)", rotateShape, x)
        }
    }

    func checkRowMovement(rows: Int, width: Int) {
        let shape = "\(rows)×\(width)"
        group("gatherRows", shape) {
            let source = try activation([rows, width])
            let order = random.shuffled((0 ..< rows).map { Int32($0) })
            let index = try indices(order)
            let out = try output([rows, width])
            reference.gatherRows(source.reference, indices: index.reference, into: out.reference)
            device.gatherRows(source.device, indices: index.device, into: out.device)
            compare("gatherRows", shape, out, exact: true)
            let half = rows / 2
            let copy = try activation([rows, width])
            reference.copyRows(source.reference, rows: 1 ..< 1 + half, into: copy.reference, at: rows - half)
            device.copyRows(source.device, rows: 1 ..< 1 + half, into: copy.device, at: rows - half)
            compare("copyRows", "\(half) of \(shape)", copy, exact: true)
        }
    }
}
