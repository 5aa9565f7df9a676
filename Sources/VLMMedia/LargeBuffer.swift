#if canImport(Glibc)
    import Glibc
#endif

/// Allocation of the large buffers media processing fills.
enum LargeBuffer {
    /// An array of `count` elements written by `fill`, without a zeroing pass first.
    static func array<T>(count: Int, fill: (UnsafeMutablePointer<T>) throws -> Void) rethrows -> [T] {
        try [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            initialized = 0
            if let base = buffer.baseAddress {
                try fill(base)
            }
            initialized = count
        }
    }
}

/// Keeps one decode buffer between images so a stream of large images does not pay a page fault
/// per 4 KB of every decode (tens of milliseconds for a 12-megapixel photo). Concurrent callers
/// that find it taken allocate their own; the kept buffer is at most `maxKeptBytes`.
final class DecodeBufferPool: @unchecked Sendable {
    static let shared = DecodeBufferPool()
    static let maxKeptBytes = 256 << 20

    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private var kept: (pointer: UnsafeMutablePointer<UInt8>, capacity: Int)?

    private init() { pthread_mutex_init(mutex, nil) }

    /// Runs `body` with a buffer of at least `count` bytes (contents undefined).
    func with<T>(count: Int, _ body: (UnsafeMutablePointer<UInt8>) throws -> T) rethrows -> T {
        pthread_mutex_lock(mutex)
        var buffer = kept
        kept = nil
        pthread_mutex_unlock(mutex)
        if let current = buffer, current.capacity < count {
            current.pointer.deallocate()
            buffer = nil
        }
        let chosen = buffer ?? (UnsafeMutablePointer<UInt8>.allocate(capacity: count), count)
        defer {
            pthread_mutex_lock(mutex)
            if kept == nil, chosen.capacity <= Self.maxKeptBytes {
                kept = chosen
                pthread_mutex_unlock(mutex)
            } else {
                pthread_mutex_unlock(mutex)
                chosen.pointer.deallocate()
            }
        }
        return try body(chosen.pointer)
    }
}
