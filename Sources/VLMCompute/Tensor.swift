/// Memory that tensors view: host memory for the CPU backend (malloc'd or a memory-mapped file),
/// device memory for a GPU backend. The owner frees or unmaps it when the last tensor goes away.
public final class TensorStorage: @unchecked Sendable {
    /// Host address, or the device address for a GPU backend (never dereferenced on the host then).
    public let address: UnsafeMutableRawPointer
    public let byteCount: Int
    /// Which backend's memory this is (`"cpu"` for host memory); a backend refuses foreign storage.
    public let location: String
    private let release: (@Sendable (UnsafeMutableRawPointer, Int) -> Void)?

    public init(address: UnsafeMutableRawPointer, byteCount: Int, location: String,
                release: (@Sendable (UnsafeMutableRawPointer, Int) -> Void)?)
    {
        self.address = address
        self.byteCount = byteCount
        self.location = location
        self.release = release
    }

    deinit { release?(address, byteCount) }
}

/// A contiguous, row-major view of typed elements in a storage. Tensors are values; two tensors may view
/// the same memory (row slices, reshapes), and operations write into a destination tensor passed in.
public struct Tensor: @unchecked Sendable {
    public let storage: TensorStorage
    public let byteOffset: Int
    public let shape: [Int]
    public let dtype: DType

    public init(storage: TensorStorage, byteOffset: Int = 0, shape: [Int], dtype: DType) {
        precondition(shape.allSatisfy { $0 >= 0 }, "negative dimension in \(shape)")
        precondition(byteOffset >= 0 && byteOffset + shape.reduce(1, *) * dtype.byteSize <= storage.byteCount,
                     "tensor \(shape) \(dtype) at \(byteOffset) exceeds its storage of \(storage.byteCount) bytes")
        self.storage = storage
        self.byteOffset = byteOffset
        self.shape = shape
        self.dtype = dtype
    }

    public var elementCount: Int { shape.reduce(1, *) }
    public var byteCount: Int { elementCount * dtype.byteSize }
    /// First dimension (1 for a scalar).
    public var rowCount: Int { shape.first ?? 1 }
    /// Elements per row: the product of all dimensions after the first.
    public var rowLength: Int { shape.dropFirst().reduce(1, *) }

    /// The same elements with another shape of equal element count.
    public func reshaped(_ newShape: [Int]) -> Tensor {
        precondition(newShape.reduce(1, *) == elementCount, "cannot reshape \(shape) to \(newShape)")
        return Tensor(storage: storage, byteOffset: byteOffset, shape: newShape, dtype: dtype)
    }

    /// Rows `range` of the first dimension, without copying.
    public func rows(_ range: Range<Int>) -> Tensor {
        precondition(range.lowerBound >= 0 && range.upperBound <= rowCount, "rows \(range) outside \(shape)")
        var newShape = shape
        newShape[0] = range.count
        return Tensor(storage: storage, byteOffset: byteOffset + range.lowerBound * rowLength * dtype.byteSize,
                      shape: newShape, dtype: dtype)
    }

    /// Host address of the first element (meaningful only for host storage).
    public var rawAddress: UnsafeMutableRawPointer { storage.address + byteOffset }
}
