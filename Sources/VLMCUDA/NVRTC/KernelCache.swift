#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Compiled kernels on disk, so NVRTC runs once per kernel text, architecture and NVRTC version:
/// `<file>-<arch>-nvrtc<major>.<minor>-<hash>.cubin` plus `.names` (the mangled kernel names). The names
/// file is written first and both atomically, so a cubin present means a complete entry. An unwritable
/// folder only costs the cache, never the run.
public struct KernelCache: Sendable {
    public let directory: String

    public init(directory: String) {
        self.directory = directory
    }

    /// `VLM_KERNEL_CACHE`, else `$XDG_CACHE_HOME/swift-vlm/kernels`, else `~/.cache/swift-vlm/kernels`.
    public static func standard() -> KernelCache? {
        let environment = ProcessInfo.processInfo.environment
        if let path = environment["VLM_KERNEL_CACHE"], !path.isEmpty { return KernelCache(directory: path) }
        if let path = environment["XDG_CACHE_HOME"], !path.isEmpty { return KernelCache(directory: path + "/swift-vlm/kernels") }
        if let home = environment["HOME"], !home.isEmpty { return KernelCache(directory: home + "/.cache/swift-vlm/kernels") }
        return nil
    }

    func key(_ source: KernelSource, architecture: String, nvrtc: (major: Int, minor: Int)) -> String {
        let stem = source.fileName.hasSuffix(".cu") ? String(source.fileName.dropLast(3)) : source.fileName
        let hash = String(source.contentHash, radix: 16)
        return "\(directory)/\(stem)-\(architecture)-nvrtc\(nvrtc.major).\(nvrtc.minor)-\(String(repeating: "0", count: 16 - hash.count))\(hash)"
    }

    public func load(_ source: KernelSource, architecture: String, nvrtc: (major: Int, minor: Int)) -> CompiledKernels? {
        let base = key(source, architecture: architecture, nvrtc: nvrtc)
        guard let cubin = try? Data(contentsOf: URL(fileURLWithPath: base + ".cubin")),
              let names = try? Data(contentsOf: URL(fileURLWithPath: base + ".names"))
        else { return nil }
        var lowered: [String: String] = [:]
        for line in String(decoding: names, as: UTF8.self).split(separator: "\n") {
            let parts = line.split(separator: "\t", maxSplits: 1)
            if parts.count == 2 { lowered[String(parts[0])] = String(parts[1]) }
        }
        guard source.kernels.allSatisfy({ lowered[$0] != nil }) else { return nil }
        return CompiledKernels(fileName: source.fileName, architecture: architecture, cubin: [UInt8](cubin), loweredNames: lowered, log: "")
    }

    public func store(_ compiled: CompiledKernels, source: KernelSource, nvrtc: (major: Int, minor: Int)) {
        let base = key(source, architecture: compiled.architecture, nvrtc: nvrtc)
        let names = compiled.loweredNames.sorted { $0.key < $1.key }.map { "\($0.key)\t\($0.value)\n" }.joined()
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            try Data(names.utf8).write(to: URL(fileURLWithPath: base + ".names"), options: .atomic)
            try Data(compiled.cubin).write(to: URL(fileURLWithPath: base + ".cubin"), options: .atomic)
        } catch {
            return  // caching is an optimisation
        }
    }
}
