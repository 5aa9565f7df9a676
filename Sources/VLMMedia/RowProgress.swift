#if canImport(Glibc)
    import Glibc
#endif

/// Hand-over between a decoder that finishes rows top to bottom and workers that consume them:
/// the decoder publishes how many rows are final, workers wait for the rows they need and claim
/// chunks of output in order. A failed decode wakes every waiter.
final class RowProgress: @unchecked Sendable {
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private var ready = 0
    private var failed = false
    private var nextChunk = 0
    private var waiting = 0

    init() {
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(condition, nil)
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
        condition.deallocate()
    }

    private func locked<T>(_ body: () -> T) -> T {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return body()
    }

    /// Rows `0..<rows` are final.
    func publish(rows: Int) {
        locked {
            ready = rows
            if waiting > 0 { pthread_cond_broadcast(condition) }
        }
    }

    func fail() {
        locked {
            failed = true
            pthread_cond_broadcast(condition)
        }
    }

    /// Blocks until `rows` rows are final; false when the decode failed instead.
    func wait(for rows: Int) -> Bool {
        locked {
            waiting += 1
            while ready < rows && !failed { pthread_cond_wait(condition, mutex) }
            waiting -= 1
            return !failed
        }
    }

    /// The next unclaimed chunk index.
    func claim() -> Int { locked { defer { nextChunk += 1 }; return nextChunk } }
}
