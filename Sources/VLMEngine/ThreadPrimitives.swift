// A dedicated OS thread and a mutex with a condition variable, on pthreads (FoundationEssentials has no
// Thread or NSCondition). The engine loop blocks in model calls, so it must not run on the Swift
// concurrency pool.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

final class ConditionLock: @unchecked Sendable {
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)

    init() {
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(condition, nil)
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        condition.deallocate()
        mutex.deallocate()
    }

    func withLock<T>(_ body: () throws -> T) rethrows -> T {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body()
    }

    /// Waits for `signal()`; call with the lock held (inside `withLock`).
    func wait() { pthread_cond_wait(condition, mutex) }

    func signal() { pthread_cond_signal(condition) }
}

final class DedicatedThread {
    private final class Body {
        let run: () -> Void
        init(_ run: @escaping () -> Void) { self.run = run }
    }

    #if os(Linux)
    private var handle = pthread_t()
    #else
    private var handle: pthread_t?
    #endif

    /// Starts `body` on a new thread.
    init(_ body: @escaping () -> Void) throws {
        let context = Unmanaged.passRetained(Body(body)).toOpaque()
        let status = pthread_create(&handle, nil, { context in
            runThreadBody(context)
            return nil
        }, context)
        guard status == 0 else {
            Unmanaged<Body>.fromOpaque(context).release()
            throw EngineInternalError(message: "could not start the engine thread (pthread_create returned \(status))")
        }
    }

    func join() {
        #if os(Linux)
        pthread_join(handle, nil)
        #else
        if let handle { pthread_join(handle, nil) }
        #endif
    }

    fileprivate static func run(_ context: UnsafeMutableRawPointer) {
        Unmanaged<Body>.fromOpaque(context).takeRetainedValue().run()
    }
}

private func runThreadBody(_ context: UnsafeMutableRawPointer?) {
    if let context { DedicatedThread.run(context) }
}
