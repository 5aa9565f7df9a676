import VLMCompute

/// RMSNorm and LayerNorm: one block per row.
extension CUDABackend {
    public func rmsNorm(_ x: Tensor, weight: Tensor, epsilon: Float, into out: Tensor) {
        checkNorm(x, weight, out, "rmsNorm")
        launch("rms_norm<\(activation(x).kernelTypeName)>", grid: (x.rowCount, 1, 1), block: normThreads(x.rowLength),
               [.tensor(x), .tensor(weight), .int32(weight.dtype.kernelCode), .tensor(out), .int32(x.rowLength), .float(epsilon)])
    }

    public func addRMSNorm(_ x: Tensor, residual: Tensor, weight: Tensor, epsilon: Float, into out: Tensor) {
        checkNorm(residual, weight, out, "addRMSNorm")
        own(x, operation: "addRMSNorm")
        precondition(x.elementCount == residual.elementCount && x.dtype == residual.dtype, "addRMSNorm: \(x.shape) + \(residual.shape)")
        launch("add_rms_norm<\(activation(x).kernelTypeName)>", grid: (x.rowCount, 1, 1), block: normThreads(x.rowLength),
               [.tensor(x), .tensor(residual), .tensor(weight), .int32(weight.dtype.kernelCode), .tensor(out), .int32(x.rowLength),
                .float(epsilon)])
    }

    public func layerNorm(_ x: Tensor, weight: Tensor, bias: Tensor, epsilon: Float, into out: Tensor) {
        checkNorm(x, weight, out, "layerNorm")
        own(bias, operation: "layerNorm")
        precondition(bias.elementCount == x.rowLength && bias.dtype.isFloatingPoint, "layerNorm: bias \(bias.shape) for rows of \(x.rowLength)")
        launch("layer_norm<\(activation(x).kernelTypeName)>", grid: (x.rowCount, 1, 1), block: normThreads(x.rowLength),
               [.tensor(x), .tensor(weight), .int32(weight.dtype.kernelCode), .tensor(bias), .int32(bias.dtype.kernelCode), .tensor(out),
                .int32(x.rowLength), .float(epsilon)])
    }

    private func checkNorm(_ x: Tensor, _ weight: Tensor, _ out: Tensor, _ operation: String) {
        own(x, weight, out, operation: operation)
        precondition(weight.elementCount == x.rowLength && out.elementCount == x.elementCount && out.dtype == x.dtype && weight.dtype.isFloatingPoint,
                     "\(operation): \(x.shape) with weight \(weight.shape) into \(out.shape)")
    }

    /// A warp per 32 elements of the row, 32 to 1024 threads (block_sum needs whole warps). A thread reads
    /// its elements one after another, so at batch 1 (one block for the whole GPU) fewer elements per
    /// thread is what shortens the kernel.
    private func normThreads(_ width: Int) -> Int { min(1024, max(32, (width + 31) / 32 * 32)) }
}
