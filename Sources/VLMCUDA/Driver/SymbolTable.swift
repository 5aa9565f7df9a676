#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where the C functions of one library come from: a shared library opened with `dlopen` (the NVIDIA
/// driver, NVRTC, cuBLASLt), or any other provider of function addresses (the tests' host emulator).
/// Libraries are never closed: their functions stay valid for the life of the process.
public struct SymbolTable: @unchecked Sendable {
    /// What was loaded, for messages (a path or a soname).
    public let origin: String
    private let lookup: (String) -> UnsafeMutableRawPointer?

    public init(origin: String, lookup: @escaping (String) -> UnsafeMutableRawPointer?) {
        self.origin = origin
        self.lookup = lookup
    }

    /// The first of `candidates` that `dlopen` loads. Before a candidate `path` it loads each of
    /// `preload(path)` by full path: a library that `dlopen`s a sibling by soname (NVRTC and its builtins)
    /// then finds it already loaded, with no library path set.
    public static func open(_ library: String, candidates: [String], preload: (String) -> [String] = { _ in [] }) throws -> SymbolTable {
        var failures: [String] = []
        for candidate in candidates {
            for sibling in preload(candidate) { _ = dlopen(sibling, RTLD_NOW | RTLD_GLOBAL) }
            if let handle = dlopen(candidate, RTLD_NOW | RTLD_LOCAL) {
                return SymbolTable(origin: candidate) { dlsym(handle, $0) }
            }
            failures.append(dlerror().map { String(cString: $0) } ?? "\(candidate): not loadable")
        }
        throw CUDAError.libraryNotFound(library: library, tried: candidates, reasons: failures)
    }

    /// The function `name` as the C function type `T`.
    public func function<T>(_ name: String, as type: T.Type = T.self) throws -> T {
        guard let address = lookup(name) else { throw CUDAError.missingSymbol(library: origin, symbol: name) }
        return unsafeBitCast(address, to: type)
    }

    /// The first of `names` that exists (a versioned entry point and its older spelling).
    public func function<T>(anyOf names: [String], as type: T.Type = T.self) throws -> T {
        for name in names {
            if let address = lookup(name) { return unsafeBitCast(address, to: type) }
        }
        throw CUDAError.missingSymbol(library: origin, symbol: names.joined(separator: " / "))
    }
}
