import VLMCompute

/// Data movement and element-wise operations.
extension CUDABackend {
    public func copyRows(_ src: Tensor, rows srcRows: Range<Int>, into dst: Tensor, at dstRow: Int) {
        own(src, dst, operation: "copyRows")
        precondition(src.dtype == dst.dtype && src.rowLength == dst.rowLength, "copyRows: \(src.shape) into \(dst.shape)")
        precondition(srcRows.lowerBound >= 0 && srcRows.upperBound <= src.rowCount && dstRow >= 0 && dstRow + srcRows.count <= dst.rowCount,
                     "copyRows: out of range")
        let rowBytes = src.rowLength * src.dtype.byteSize
        guard srcRows.count > 0, rowBytes > 0 else { return }
        do {
            try context.makeCurrent()
            try context.driver.check(context.driver.cuMemcpyDtoDAsync(dst.deviceAddress + UInt64(dstRow * rowBytes),
                                                                      src.deviceAddress + UInt64(srcRows.lowerBound * rowBytes),
                                                                      srcRows.count * rowBytes, context.stream), "cuMemcpyDtoDAsync_v2")
        } catch {
            record(error)
        }
    }

    public func embedding(ids: Tensor, table: Tensor, into out: Tensor) {
        own(ids, table, out, operation: "embedding")
        let width = table.rowLength
        precondition(ids.dtype == .i32 && out.elementCount == ids.elementCount * width && table.dtype.isFloatingPoint,
                     "embedding: \(ids.shape) x \(table.shape) into \(out.shape)")
        launch("embedding<\(activation(out).kernelTypeName)>", grid: (ids.elementCount, 1, 1), block: Self.blockThreads,
               [.tensor(ids), .tensor(table), .int32(table.dtype.kernelCode), .tensor(out), .int32(width), .int32(table.rowCount), status])
    }

    public func gatherRows(_ src: Tensor, indices: Tensor, into out: Tensor) {
        own(src, indices, out, operation: "gatherRows")
        precondition(src.dtype == out.dtype && src.rowLength == out.rowLength && out.rowCount == indices.elementCount && indices.dtype == .i32,
                     "gatherRows: \(src.shape) by \(indices.shape) into \(out.shape)")
        launch("gather_rows", grid: (indices.elementCount, 1, 1), block: Self.blockThreads,
               [.tensor(src), .tensor(indices), .tensor(out), .int64(src.rowLength * src.dtype.byteSize / 2), .int32(src.rowCount), status])
    }

    public func add(_ a: Tensor, _ b: Tensor, into out: Tensor) {
        elementwise("add", [a, b], out)
    }

    public func siluMul(gate: Tensor, up: Tensor, into out: Tensor) {
        elementwise("silu_mul", [gate, up], out)
    }

    public func gelu(_ x: Tensor, into out: Tensor) {
        elementwise("gelu", [x], out)
    }

    public func quickGELU(_ x: Tensor, into out: Tensor) {
        elementwise("quick_gelu", [x], out)
    }

    private func elementwise(_ kernel: String, _ inputs: [Tensor], _ out: Tensor) {
        for input in inputs {
            own(input, operation: kernel)
            precondition(input.elementCount == out.elementCount && input.dtype == out.dtype, "\(kernel): \(input.shape) \(input.dtype) into \(out.shape) \(out.dtype)")
        }
        own(out, operation: kernel)
        let count = out.elementCount
        launch("\(kernel)<\(activation(out).kernelTypeName)>", grid: (Self.strideBlocks(count), 1, 1), block: Self.blockThreads,
               inputs.map { .tensor($0) } + [.tensor(out), .int64(count)])
    }

    /// The dtype of an activation operand: bf16 or f32 (the kernels' instantiations).
    func activation(_ tensor: Tensor) -> DType {
        precondition(tensor.dtype == .bf16 || tensor.dtype == .f32, "CUDA kernels take bf16 or f32 activations, not \(tensor.dtype)")
        return tensor.dtype
    }
}
