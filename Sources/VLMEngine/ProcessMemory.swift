// The process's resident memory and its peak, from Linux's /proc (the CPU backend's "device memory" is
// the process's own). The peak counter (VmHWM) can be reset, so a profiling step's high-water mark is
// measured, not estimated.

#if canImport(Glibc)
import Glibc
#endif

enum ProcessMemory {
    /// Sets the peak back to the current resident size (`/proc/self/clear_refs`, value 5). False where the
    /// kernel does not allow it.
    static func resetPeak() -> Bool {
        #if os(Linux)
        let file = open("/proc/self/clear_refs", O_WRONLY)
        guard file >= 0 else { return false }
        defer { close(file) }
        return write(file, "5", 1) == 1
        #else
        return false
        #endif
    }

    /// Current and peak resident bytes (VmRSS, VmHWM of /proc/self/status).
    static func resident() -> (current: Int, peak: Int)? {
        #if os(Linux)
        guard let status = readSmallFile("/proc/self/status") else { return nil }
        func kilobytes(_ field: String) -> Int? {
            guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix(field + ":") }) else { return nil }
            return line.split(separator: " ").compactMap { Int($0) }.first
        }
        guard let current = kilobytes("VmRSS"), let peak = kilobytes("VmHWM") else { return nil }
        return (current * 1024, peak * 1024)
        #else
        return nil
        #endif
    }

    /// /proc files report no size, so they are read until the end.
    private static func readSmallFile(_ path: String) -> String? {
        #if os(Linux)
        let file = open(path, O_RDONLY)
        guard file >= 0 else { return nil }
        defer { close(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(file, $0.baseAddress, 4096) }
            guard count > 0 else { break }
            bytes += chunk[0..<count]
        }
        return String(decoding: bytes, as: UTF8.self)
        #else
        return nil
        #endif
    }
}
