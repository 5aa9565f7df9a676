#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The reference backend: plain loops over host memory, f32 activations and KV cache, fp32 accumulation,
/// work split over the cores where it matters (GEMM, attention). Weights stay in their stored dtype
/// (memory-mapped, converted per tile). Exactness against transformers is its job, not speed.
public final class CPUBackend: Backend {
    public let name = "cpu"
    public let activationType = DType.f32

    public init() {}

    /// Cores the kernels spread work over.
    public var threadCount: Int { Parallel.coreCount }

    // MARK: Memory

    public func allocate(_ shape: [Int], _ dtype: DType) throws -> Tensor {
        let bytes = max(shape.reduce(1, *) * dtype.byteSize, 1)
        guard let memory = calloc(bytes, 1) else { throw ComputeError.outOfMemory(bytes: bytes, backend: name) }
        let storage = TensorStorage(address: memory, byteCount: bytes, location: name) { address, _ in free(address) }
        return Tensor(storage: storage, shape: shape, dtype: dtype)
    }

    public func upload(_ values: [Float], shape: [Int], dtype: DType) throws -> Tensor {
        guard values.count == shape.reduce(1, *) else {
            throw ComputeError.valueCountMismatch(shape: shape, values: values.count)
        }
        let tensor = try allocate(shape, dtype)
        switch dtype {
        case .f32:
            values.withUnsafeBufferPointer { source in
                if let base = source.baseAddress { tensor.floats().update(from: base, count: values.count) }
            }
        case .bf16:
            let out = tensor.rawAddress.assumingMemoryBound(to: UInt16.self)
            for i in values.indices { out[i] = BFloat16.fromFloat(values[i]) }
        case .f16:
            let out = tensor.rawAddress.assumingMemoryBound(to: UInt16.self)
            for i in values.indices { out[i] = Half.fromFloat(values[i]) }
        case .i32:
            throw ComputeError.unsupportedDType(.i32, operation: "upload of floats")
        }
        return tensor
    }

    public func upload(_ values: [Int32], shape: [Int]) throws -> Tensor {
        guard values.count == shape.reduce(1, *) else {
            throw ComputeError.valueCountMismatch(shape: shape, values: values.count)
        }
        let tensor = try allocate(shape, .i32)
        values.withUnsafeBufferPointer { source in
            if let base = source.baseAddress { tensor.int32s().update(from: base, count: values.count) }
        }
        return tensor
    }

    public func uploadWeight(_ hostTensor: Tensor) throws -> Tensor {
        guard hostTensor.storage.location == name else {
            throw ComputeError.foreignTensor(backend: name, location: hostTensor.storage.location)
        }
        if Int(bitPattern: hostTensor.rawAddress) % hostTensor.dtype.byteSize == 0 { return hostTensor }
        // A misaligned tensor in a file: copy it so typed loads are legal.
        let copy = try allocate(hostTensor.shape, hostTensor.dtype)
        copy.rawAddress.copyMemory(from: hostTensor.rawAddress, byteCount: hostTensor.byteCount)
        return copy
    }

    public func download(_ tensor: Tensor) throws -> [Float] {
        guard tensor.storage.location == name else {
            throw ComputeError.foreignTensor(backend: name, location: tensor.storage.location)
        }
        guard tensor.dtype.isFloatingPoint else { throw ComputeError.unsupportedDType(.i32, operation: "download") }
        return tensor.floatArray(count: tensor.elementCount)
    }

    public func synchronize() throws {}

    // MARK: Data movement

    public func copyRows(_ src: Tensor, rows srcRows: Range<Int>, into dst: Tensor, at dstRow: Int) {
        precondition(src.dtype == dst.dtype && src.rowLength == dst.rowLength, "copyRows: \(src.shape) into \(dst.shape)")
        precondition(srcRows.upperBound <= src.rowCount && dstRow + srcRows.count <= dst.rowCount, "copyRows: out of range")
        let rowBytes = src.rowLength * src.dtype.byteSize
        (dst.rawAddress + dstRow * rowBytes).copyMemory(from: src.rawAddress + srcRows.lowerBound * rowBytes,
                                                        byteCount: srcRows.count * rowBytes)
    }

    public func embedding(ids: Tensor, table: Tensor, into out: Tensor) {
        let width = table.rowLength
        precondition(out.elementCount == ids.elementCount * width, "embedding: \(ids.shape) x \(table.shape) into \(out.shape)")
        let idPointer = ids.int32s(), outPointer = out.floats()
        for i in 0 ..< ids.elementCount {
            let row = Int(idPointer[i])
            precondition(row >= 0 && row < table.rowCount, "embedding: id \(row) outside the table")
            table.loadFloats(from: row * width, count: width, into: outPointer + i * width)
        }
    }

    public func gatherRows(_ src: Tensor, indices: Tensor, into out: Tensor) {
        precondition(src.dtype == out.dtype && src.rowLength == out.rowLength && out.rowCount == indices.elementCount,
                     "gatherRows: \(src.shape) by \(indices.shape) into \(out.shape)")
        let rowBytes = src.rowLength * src.dtype.byteSize
        let index = indices.int32s()
        for i in 0 ..< indices.elementCount {
            let row = Int(index[i])
            precondition(row >= 0 && row < src.rowCount, "gatherRows: index \(row) outside \(src.shape)")
            (out.rawAddress + i * rowBytes).copyMemory(from: src.rawAddress + row * rowBytes, byteCount: rowBytes)
        }
    }

    // MARK: Element-wise

    public func add(_ a: Tensor, _ b: Tensor, into out: Tensor) {
        elementwise(a, b, out) { $0 + $1 }
    }

    public func siluMul(gate: Tensor, up: Tensor, into out: Tensor) {
        elementwise(gate, up, out) { g, u in g / (1 + expf(-g)) * u }
    }

    public func gelu(_ x: Tensor, into out: Tensor) {
        elementwise(x, x, out) { v, _ in 0.5 * v * (1 + erff(v * 0.70710678118654752)) }
    }

    public func quickGELU(_ x: Tensor, into out: Tensor) {
        elementwise(x, x, out) { v, _ in v * (1 / (1 + expf(-1.702 * v))) }
    }

    @inline(__always)
    private func elementwise(_ a: Tensor, _ b: Tensor, _ out: Tensor, _ op: (Float, Float) -> Float) {
        precondition(a.elementCount == out.elementCount && b.elementCount == out.elementCount,
                     "element-wise: \(a.shape), \(b.shape) into \(out.shape)")
        let pa = a.floats(), pb = b.floats(), po = out.floats()
        Parallel.forEachChunk(out.elementCount, minimumChunk: 1 << 16) { range in
            for i in range { po[i] = op(pa[i], pb[i]) }
        }
    }
}
