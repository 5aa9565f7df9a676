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
                preferHugePages(base, bytes: count * MemoryLayout<T>.stride)
                try fill(base)
            }
            initialized = count
        }
    }

    /// Asks Linux to back the 2 MB-aligned part of a fresh, large buffer with huge pages before it is
    /// first written: a 288 MB patch matrix then takes ~150 page faults instead of ~70,000 (about
    /// 50 ms instead of 190 ms on the development VM). Only a hint: without transparent huge pages
    /// nothing changes.
    static func preferHugePages(_ start: UnsafeMutableRawPointer, bytes: Int) {
        #if os(Linux)
            let hugePage = 2 << 20
            guard bytes >= 4 * hugePage else { return }
            let first = (Int(bitPattern: start) + hugePage - 1) & ~(hugePage - 1)
            let end = (Int(bitPattern: start) + bytes) & ~(hugePage - 1)
            guard end > first, let aligned = UnsafeMutableRawPointer(bitPattern: first) else { return }
            _ = madvise(aligned, end - first, MADV_HUGEPAGE)
        #endif
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
        let chosen = buffer ?? Self.allocate(count)
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

    private static func allocate(_ count: Int) -> (pointer: UnsafeMutablePointer<UInt8>, capacity: Int) {
        let pointer = UnsafeMutablePointer<UInt8>.allocate(capacity: count)
        LargeBuffer.preferHugePages(pointer, bytes: count)
        return (pointer, count)
    }
}
