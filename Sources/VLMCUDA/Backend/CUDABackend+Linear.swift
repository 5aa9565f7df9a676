import VLMCompute

/// `linear` through cuBLASLt when the weight has the input's dtype and any bias the output's (the bf16
/// model path); otherwise (f32 activations with bf16 weights, mixed bias dtypes) through the fallback kernel.
extension CUDABackend {
    public func linear(_ x: Tensor, weight: Tensor, bias: Tensor?, into out: Tensor) {
        own(x, weight, bias, out, operation: "linear")
        let m = x.rowCount, k = x.rowLength, n = weight.rowCount
        precondition(weight.rowLength == k && out.rowCount == m && out.rowLength == n && weight.dtype.isFloatingPoint,
                     "linear: \(x.shape) · \(weight.shape)ᵀ into \(out.shape)")
        precondition(bias.map { $0.elementCount == n && $0.dtype.isFloatingPoint } ?? true, "linear: bias for \(n) outputs has \(bias?.shape ?? [])")
        precondition(out.dtype == activation(x) || out.dtype == .f32, "linear: \(x.dtype) input into \(out.dtype) output")
        guard m > 0, n > 0 else { return }
        if weight.dtype == x.dtype, bias.map({ $0.dtype == out.dtype }) ?? true, k > 0 {
            let key = MatmulPlanner.Key(m: m, n: n, k: k, input: x.dtype, weight: weight.dtype, output: out.dtype, bias: bias != nil,
                                        alignments: [x, weight, out].map { MatmulPlanner.alignment($0.deviceAddress) })
            do {
                try context.makeCurrent()
                if try matmul.run(key: key, x: x.deviceAddress, weight: weight.deviceAddress, bias: bias?.deviceAddress,
                                  out: out.deviceAddress, stream: context.stream)
                {
                    countLinear(library: true)
                    return
                }
            } catch {
                record(error)
                return
            }
        }
        countLinear(library: false)
        launch("linear_fallback<\(x.dtype.kernelTypeName), \(activation(out).kernelTypeName)>", grid: (Self.strideBlocks(m * n), 1, 1),
               block: Self.blockThreads,
               [.tensor(x), .tensor(weight), .int32(weight.dtype.kernelCode), .optionalTensor(bias),
                .int32(bias?.dtype.kernelCode ?? 0), .tensor(out), .int32(m), .int32(n), .int32(k)])
    }
}
