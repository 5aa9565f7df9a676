import Synchronization
import VLMCompute

/// A caching allocator over `cuMemAlloc`: a freed block goes back to a free list, not to the driver,
/// because `cuMemFree` synchronises the device and the model frees temporaries every step. Reuse is safe
/// because every operation runs on the context's one stream: work queued after a block is reused runs
/// after all work queued before it was freed. A block freed while a graph capture is open is held for the
/// graph instead, since the graph's replays still write it.
public final class DeviceMemoryPool: @unchecked Sendable {
    private struct State {
        /// Free blocks sorted by size, then address.
        var free: [(size: Int, address: UInt64)] = []
        var bytesInUse = 0
        var peakBytesInUse = 0
        /// Set while a graph capture is open: blocks freed meanwhile, kept for the graph.
        var captureHold: [(size: Int, address: UInt64)]?
    }

    private let context: CUDAContext
    private let state = Mutex(State())

    public init(context: CUDAContext) {
        self.context = context
    }

    deinit {
        _ = try? context.makeCurrent()
        _ = try? context.synchronize()
        state.withLock { state in
            for block in state.free { _ = context.driver.cuMemFree(block.address) }
            state.free = []
        }
    }

    public var peakBytesInUse: Int { state.withLock { $0.peakBytesInUse } }

    /// Allocation granularity: small blocks round to 512 bytes, so a tensor start is always aligned for
    /// 16-byte vector loads and cuBLASLt's preferred 256-byte alignment.
    static func blockSize(_ bytes: Int) -> Int { max(512, (bytes + 511) / 512 * 512) }

    /// A block of at least `bytes`: a cached one up to a quarter larger, else a new one from the driver
    /// (after returning every cached block to it when the driver is out of memory).
    public func allocate(_ bytes: Int) throws -> (address: UInt64, size: Int) {
        let size = Self.blockSize(bytes)
        if let block = takeCached(size) { return block }
        try context.makeCurrent()
        var address: UInt64 = 0
        var result = context.driver.cuMemAlloc(&address, size)
        if result == Self.outOfMemory {
            try releaseCache()
            result = context.driver.cuMemAlloc(&address, size)
        }
        if result == Self.outOfMemory { throw ComputeError.outOfMemory(bytes: size, backend: "cuda") }
        try context.driver.check(result, "cuMemAlloc_v2")
        state.withLock { state in
            state.bytesInUse += size
            state.peakBytesInUse = max(state.peakBytesInUse, state.bytesInUse)
        }
        return (address, size)
    }

    /// Returns a block (from a tensor's storage release; any thread).
    public func release(_ address: UInt64, size: Int) {
        state.withLock { state in
            state.bytesInUse -= size
            if state.captureHold != nil {
                state.captureHold?.append((size, address))
                return
            }
            Self.insert((size, address), into: &state.free)
        }
    }

    /// Frees every cached block (the device must be idle: synchronises first).
    public func releaseCache() throws {
        try context.makeCurrent()
        try context.synchronize()
        let blocks = state.withLock { state -> [(size: Int, address: UInt64)] in
            defer { state.free = [] }
            return state.free
        }
        for block in blocks { try context.driver.check(context.driver.cuMemFree(block.address), "cuMemFree_v2") }
    }

    /// While a capture is open, freed blocks are set aside; `endCapture` hands them to the graph, which
    /// returns them with `returnHeld` when it is destroyed.
    func beginCapture() {
        state.withLock { $0.captureHold = [] }
    }

    func endCapture() -> [(size: Int, address: UInt64)] {
        state.withLock { state in
            defer { state.captureHold = nil }
            return state.captureHold ?? []
        }
    }

    func returnHeld(_ blocks: [(size: Int, address: UInt64)]) {
        state.withLock { state in
            for block in blocks { Self.insert(block, into: &state.free) }
        }
    }

    private static let outOfMemory: Int32 = 2

    private func takeCached(_ size: Int) -> (address: UInt64, size: Int)? {
        state.withLock { state in
            let index = Self.firstIndex(notBelow: size, in: state.free)
            guard index < state.free.count, state.free[index].size <= size + size / 4 else { return nil }
            let block = state.free.remove(at: index)
            state.bytesInUse += block.size
            state.peakBytesInUse = max(state.peakBytesInUse, state.bytesInUse)
            return (block.address, block.size)
        }
    }

    private static func firstIndex(notBelow size: Int, in blocks: [(size: Int, address: UInt64)]) -> Int {
        var low = 0, high = blocks.count
        while low < high {
            let mid = (low + high) / 2
            if blocks[mid].size < size { low = mid + 1 } else { high = mid }
        }
        return low
    }

    private static func insert(_ block: (size: Int, address: UInt64), into blocks: inout [(size: Int, address: UInt64)]) {
        blocks.insert(block, at: firstIndex(notBelow: block.size, in: blocks))
    }
}
