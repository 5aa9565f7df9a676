import VLMCompute

/// Rotary tables and the NeoX rotation.
extension CUDABackend {
    public func rotaryTable(positions: Tensor, inverseFrequencies: Tensor, axes: Tensor, cos: Tensor, sin: Tensor) {
        own(positions, inverseFrequencies, axes, cos, sin, operation: "rotaryTable")
        let tokens = positions.rowLength, frequencies = inverseFrequencies.elementCount
        precondition(positions.dtype == .i32 && axes.dtype == .i32 && inverseFrequencies.dtype == .f32 && cos.dtype == .f32 && sin.dtype == .f32
            && axes.elementCount == frequencies && cos.elementCount == tokens * frequencies && sin.elementCount == tokens * frequencies,
            "rotaryTable: shapes \(positions.shape) \(inverseFrequencies.shape) \(cos.shape)")
        launch("rotary_table", grid: (Self.strideBlocks(tokens * frequencies), 1, 1), block: Self.blockThreads,
               [.tensor(positions), .tensor(inverseFrequencies), .tensor(axes), .tensor(cos), .tensor(sin), .int32(tokens), .int32(frequencies),
                .int32(positions.rowCount), status])
    }

    public func applyRotary(_ x: Tensor, cos: Tensor, sin: Tensor, into out: Tensor) {
        own(x, cos, sin, out, operation: "applyRotary")
        let tokens = x.rowCount, half = cos.rowLength
        precondition(half > 0 && x.rowLength % (2 * half) == 0 && cos.rowCount == tokens && sin.elementCount == cos.elementCount
            && cos.dtype == .f32 && sin.dtype == .f32 && out.elementCount == x.elementCount && out.dtype == x.dtype,
            "applyRotary: \(x.shape) with table \(cos.shape)")
        let heads = x.rowLength / (2 * half)
        launch("apply_rotary<\(activation(x).kernelTypeName)>", grid: (Self.strideBlocks(tokens * heads * half), 1, 1), block: Self.blockThreads,
               [.tensor(x), .tensor(cos), .tensor(sin), .tensor(out), .int32(tokens), .int32(heads), .int32(half)])
    }
}
