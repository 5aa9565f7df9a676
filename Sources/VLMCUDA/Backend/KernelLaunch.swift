import VLMCompute

/// One kernel parameter, stored in an 8-byte slot; the driver reads as many bytes as the kernel's
/// parameter type has, so each case must match the `.cu` signature (int → int32, long long → int64).
enum KernelArgument {
    case tensor(Tensor)
    case optionalTensor(Tensor?)
    case address(UInt64)
    case int32(Int)
    case int64(Int)
    case float(Float)
}

extension DType {
    /// The C++ type that instantiates a kernel for this activation dtype.
    var kernelTypeName: String { self == .bf16 ? "bf16" : "float" }

    /// DTYPE_* of Kernels/common.cuh, for operands whose dtype is chosen at run time.
    var kernelCode: Int { self == .bf16 ? 0 : self == .f16 ? 1 : 2 }
}

extension CUDABackend {
    /// Threads per block of the one-dimensional kernels.
    static let blockThreads = 256

    /// Blocks for a grid-stride loop over `count` elements.
    static func strideBlocks(_ count: Int) -> Int { min(max(1, (count + blockThreads - 1) / blockThreads), 1 << 16) }

    /// Queues `kernel` (a name expression of a VLM_KERNELS list) on the stream. Nothing is queued for an
    /// empty grid; a failure is recorded for the next `synchronize`.
    func launch(_ kernel: String, grid: (x: Int, y: Int, z: Int), block: Int, _ arguments: [KernelArgument]) {
        guard grid.x > 0, grid.y > 0, grid.z > 0 else { return }
        guard let function = kernels.function(kernel) else {
            record(CUDAError.kernelNotFound(kernel))
            return
        }
        guard grid.x < Int(Int32.max), grid.y <= 65535, grid.z <= 65535, block <= 1024 else {
            record(CUDAError.invalidState("\(kernel): grid \(grid) × \(block) threads exceeds the launch limits"))
            return
        }
        do {
            try context.makeCurrent()
        } catch {
            record(error)
            return
        }
        let slots = UnsafeMutableRawPointer.allocate(byteCount: 8 * max(arguments.count, 1), alignment: 8)
        let pointers = UnsafeMutablePointer<UnsafeMutableRawPointer?>.allocate(capacity: max(arguments.count, 1))
        defer {
            slots.deallocate()
            pointers.deallocate()
        }
        // A parameter declared wider than its argument then reads this pattern, not stale zeros: the
        // emulator's tests fail on it as the GPU would.
        slots.initializeMemory(as: UInt8.self, repeating: 0xA5, count: 8 * max(arguments.count, 1))
        for (index, argument) in arguments.enumerated() {
            let slot = slots + 8 * index
            switch argument {
            case let .tensor(tensor): slot.storeBytes(of: tensor.deviceAddress, as: UInt64.self)
            case let .optionalTensor(tensor): slot.storeBytes(of: tensor?.deviceAddress ?? 0, as: UInt64.self)
            case let .address(address): slot.storeBytes(of: address, as: UInt64.self)
            case let .int32(value): slot.storeBytes(of: Int32(truncatingIfNeeded: value), as: Int32.self)
            case let .int64(value): slot.storeBytes(of: Int64(value), as: Int64.self)
            case let .float(value): slot.storeBytes(of: value, as: Float.self)
            }
            pointers[index] = slot
        }
        let result = context.driver.cuLaunchKernel(function, UInt32(grid.x), UInt32(grid.y), UInt32(grid.z), UInt32(block), 1, 1, 0,
                                                   context.stream, pointers, nil)
        if result != 0 { record(context.driver.error(result, "cuLaunchKernel(\(kernel))")) }
    }

    /// The status word as a kernel argument.
    var status: KernelArgument { .address(statusWord) }

    /// Checks a tensor is this backend's (a programming error otherwise, as the CPU backend's shape checks).
    func own(_ tensors: Tensor?..., operation: String) {
        for tensor in tensors.compactMap({ $0 }) {
            precondition(tensor.storage.location == name, "\(operation): a \(tensor.storage.location) tensor passed to the CUDA backend")
        }
    }
}
