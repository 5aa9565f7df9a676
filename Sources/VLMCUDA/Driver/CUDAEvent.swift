/// A device event on the context's stream, for timing: record two, synchronize on the second, read the
/// milliseconds between them.
public final class CUDAEvent {
    private let context: CUDAContext
    let event: OpaquePointer

    public init(_ context: CUDAContext) throws {
        self.context = context
        try context.makeCurrent()
        var event: OpaquePointer?
        try context.driver.check(context.driver.cuEventCreate(&event, 0), "cuEventCreate")
        guard let event else { throw CUDAError.invalidState("cuEventCreate returned no event") }
        self.event = event
    }

    deinit { _ = context.driver.cuEventDestroy(event) }

    public func record() throws {
        try context.driver.check(context.driver.cuEventRecord(event, context.stream), "cuEventRecord")
    }

    public func synchronize() throws {
        try context.driver.check(context.driver.cuEventSynchronize(event), "cuEventSynchronize")
    }

    /// Milliseconds from `start` to this event (both recorded; this one completed).
    public func milliseconds(since start: CUDAEvent) throws -> Double {
        var elapsed: Float = 0
        try context.driver.check(context.driver.cuEventElapsedTime(&elapsed, start.event, event), "cuEventElapsedTime")
        return Double(elapsed)
    }
}
