/// Stream work captured once and replayed with one launch (CUDA graphs): the decode step's hundreds of
/// small launches cost one. Capture with `CUDABackend.captureGraph`. Replays read and write the same
/// device addresses as the captured run, so every tensor the captured work touches must stay alive while
/// the graph does; blocks freed during the capture are held by the graph for the same reason. Host data is
/// read at replay time from the captured addresses: keep uploads out of the capture (write new inputs into
/// the graph's input tensors before each replay).
public final class CUDAGraph {
    private let context: CUDAContext
    private let pool: DeviceMemoryPool
    private let graph: OpaquePointer
    private let executable: OpaquePointer
    private let heldBlocks: [(size: Int, address: UInt64)]

    /// CU_STREAM_CAPTURE_MODE_RELAXED: allocations (cuMemAlloc) stay legal on any thread during a capture.
    static let relaxedCapture: Int32 = 2

    /// Captures what `body` queues on the context's stream.
    static func capture(context: CUDAContext, pool: DeviceMemoryPool, _ body: () throws -> Void) throws -> CUDAGraph {
        try context.makeCurrent()
        let driver = context.driver
        try driver.check(driver.cuStreamBeginCapture(context.stream, relaxedCapture), "cuStreamBeginCapture_v2")
        pool.beginCapture()
        var bodyError: Error?
        do { try body() } catch { bodyError = error }
        var graph: OpaquePointer?
        let ended = driver.cuStreamEndCapture(context.stream, &graph)
        let held = pool.endCapture()
        func giveBack() {
            if let graph { _ = driver.cuGraphDestroy(graph) }
            pool.returnHeld(held)
        }
        if let bodyError {
            giveBack()
            throw bodyError
        }
        guard ended == 0, let graph else {
            giveBack()
            throw driver.error(ended, "cuStreamEndCapture")
        }
        var executable: OpaquePointer?
        let instantiated = driver.cuGraphInstantiateWithFlags(&executable, graph, 0)
        guard instantiated == 0, let executable else {
            giveBack()
            throw driver.error(instantiated, "cuGraphInstantiateWithFlags")
        }
        return CUDAGraph(context: context, pool: pool, graph: graph, executable: executable, heldBlocks: held)
    }

    private init(context: CUDAContext, pool: DeviceMemoryPool, graph: OpaquePointer, executable: OpaquePointer,
                 heldBlocks: [(size: Int, address: UInt64)])
    {
        self.context = context
        self.pool = pool
        self.graph = graph
        self.executable = executable
        self.heldBlocks = heldBlocks
    }

    deinit {
        _ = try? context.makeCurrent()
        _ = try? context.synchronize()  // no replay may still be running when its blocks are reused
        _ = context.driver.cuGraphExecDestroy(executable)
        _ = context.driver.cuGraphDestroy(graph)
        pool.returnHeld(heldBlocks)
    }

    /// Queues one replay on the context's stream.
    public func launch() throws {
        try context.makeCurrent()
        try context.driver.check(context.driver.cuGraphLaunch(executable, context.stream), "cuGraphLaunch")
    }
}
