import Dispatch

#if canImport(Glibc)
    import Glibc
#endif

/// Splits a row range across the machine's cores. Chunks are large enough that scheduling costs
/// nothing next to the per-row work, and small enough to balance.
enum ParallelRows {
    /// Worker count: the online cores, or `VLM_MEDIA_THREADS` (1 runs everything on the calling
    /// thread; the benchmark uses it to separate CPU time from parallelism).
    static let threads: Int = {
        if let text = getenv("VLM_MEDIA_THREADS"), let n = Int(String(cString: text)), n > 0 { return n }
        return max(1, activeProcessorCount())
    }()

    static func run(count: Int, minimumChunk: Int = 16, _ body: (Range<Int>) -> Void) {
        let chunks = min(threads * 4, max(1, count / minimumChunk))
        if chunks <= 1 || threads == 1 {
            body(0..<count)
            return
        }
        withoutActuallyEscaping(body) { body in
            DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                body(count * chunk / chunks..<count * (chunk + 1) / chunks)
            }
        }
    }

    private static func activeProcessorCount() -> Int {
        #if canImport(Glibc)
            return Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
        #else
            return 1
        #endif
    }
}
