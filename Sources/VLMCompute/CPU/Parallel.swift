import Dispatch
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Splits index ranges over the machine's cores with Dispatch's concurrentPerform; small jobs run inline
/// (thread hand-off costs more than it saves below a few thousand multiply-adds per chunk).
enum Parallel {
    static let coreCount = max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))

    /// Calls `body` on disjoint chunks covering `0 ..< count`, each at least `minimumChunk` long.
    static func forEachChunk(_ count: Int, minimumChunk: Int, _ body: (Range<Int>) -> Void) {
        guard count > 0 else { return }
        let chunks = min(coreCount * 4, (count + minimumChunk - 1) / max(minimumChunk, 1))
        if chunks <= 1 || coreCount == 1 {
            body(0 ..< count)
            return
        }
        let size = (count + chunks - 1) / chunks
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            let start = chunk * size
            if start < count { body(start ..< min(count, start + size)) }
        }
    }
}
