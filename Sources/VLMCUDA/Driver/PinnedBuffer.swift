/// Page-locked host memory (`cuMemAllocHost`): the DMA engine copies it without a staging copy, and a
/// copy from it can be asynchronous. Grows on demand; the contents do not survive growing.
public final class PinnedBuffer {
    private let context: CUDAContext
    public private(set) var address: UnsafeMutableRawPointer?
    public private(set) var capacity = 0

    public init(_ context: CUDAContext, capacity: Int = 0) throws {
        self.context = context
        try reserve(capacity)
    }

    deinit { if let address { _ = context.driver.cuMemFreeHost(address) } }

    /// Makes the buffer at least `bytes` long and returns its address.
    @discardableResult
    public func reserve(_ bytes: Int) throws -> UnsafeMutableRawPointer? {
        guard bytes > capacity else { return address }
        try context.makeCurrent()
        if let old = address {
            try context.driver.check(context.driver.cuMemFreeHost(old), "cuMemFreeHost")
            address = nil
            capacity = 0
        }
        var memory: UnsafeMutableRawPointer?
        try context.driver.check(context.driver.cuMemAllocHost(&memory, bytes), "cuMemAllocHost_v2")
        address = memory
        capacity = bytes
        return memory
    }
}
