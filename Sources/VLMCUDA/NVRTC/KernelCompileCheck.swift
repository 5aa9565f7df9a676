import Dispatch
import Synchronization

/// What ptxas reported for one compiled kernel (NVRTC's `-Xptxas=-v` log).
public struct KernelResources: Sendable, Equatable {
    public var registers = 0
    public var stackFrameBytes = 0
    public var spillStoreBytes = 0
    public var spillLoadBytes = 0

    public init(registers: Int = 0, stackFrameBytes: Int = 0, spillStoreBytes: Int = 0, spillLoadBytes: Int = 0) {
        self.registers = registers
        self.stackFrameBytes = stackFrameBytes
        self.spillStoreBytes = spillStoreBytes
        self.spillLoadBytes = spillLoadBytes
    }

    public var spills: Bool { spillStoreBytes > 0 || spillLoadBytes > 0 }

    /// Per function (mangled name), from lines such as
    /// `ptxas info    : Function properties for _Z8rms_norm…` /
    /// `ptxas         .     0 bytes stack frame, 0 bytes spill stores, 0 bytes spill loads` /
    /// `ptxas info    : Used 17 registers, used 1 barriers, 128 bytes smem`.
    public static func parse(log: String) -> [String: KernelResources] {
        var report: [String: KernelResources] = [:]
        var current: String?
        for line in log.split(separator: "\n") {
            if let name = line.suffix(after: "Compiling entry function '")?.prefix(while: { $0 != "'" }) {
                current = String(name)
            } else if let name = line.suffix(after: "Function properties for ") {
                current = String(name.prefix { $0 != " " })
            } else if let name = current, line.contains("bytes stack frame") {
                let numbers = line.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
                if numbers.count >= 3 {
                    report[name, default: KernelResources()].stackFrameBytes = numbers[0]
                    report[name, default: KernelResources()].spillStoreBytes = numbers[1]
                    report[name, default: KernelResources()].spillLoadBytes = numbers[2]
                }
            } else if let name = current, let used = line.suffix(after: "Used "), let registers = Int(used.prefix { $0.isNumber }) {
                report[name, default: KernelResources()].registers = registers
            }
        }
        return report
    }
}

/// One kernel instantiation after a compile check.
public struct CompiledKernelReport: Sendable {
    public var file: String
    public var kernel: String
    public var resources: KernelResources
}

/// Compiles every embedded kernel source for one architecture (what `vlm compile-kernels` and the CI test
/// run; no GPU needed) and reports each kernel's registers, stack frame and spills. A source that does not
/// compile throws `CUDAError.compilation` with NVRTC's log.
public enum KernelCompileCheck {
    public static func run(nvrtc: NVRTC, architecture: String, sources: [KernelSource] = KernelSource.all) throws
        -> (reports: [CompiledKernelReport], compiled: [CompiledKernels])
    {
        let results = Mutex([Int: Result<CompiledKernels, Error>]())
        DispatchQueue.concurrentPerform(iterations: sources.count) { index in
            let result = Result { try nvrtc.compile(sources[index], architecture: architecture) }
            results.withLock { $0[index] = result }
        }
        var reports: [CompiledKernelReport] = []
        var compiled: [CompiledKernels] = []
        for (index, source) in sources.enumerated() {
            guard let result = results.withLock({ $0[index] }) else { continue }
            let kernels = try result.get()
            compiled.append(kernels)
            let resources = KernelResources.parse(log: kernels.log)
            for kernel in source.kernels {
                let lowered = kernels.loweredNames[kernel] ?? kernel
                reports.append(CompiledKernelReport(file: source.fileName, kernel: kernel, resources: resources[lowered] ?? KernelResources()))
            }
        }
        return (reports, compiled)
    }
}

extension KernelCompileCheck {
    /// `vlm compile-kernels`: a markdown table of every kernel's resources, and whether nothing spills.
    public static func report(nvrtc: NVRTC, architecture: String) throws -> (text: String, passed: Bool) {
        let (reports, compiled) = try run(nvrtc: nvrtc, architecture: architecture)
        var lines = ["NVRTC \(nvrtc.version.major).\(nvrtc.version.minor) (\(nvrtc.origin)), --gpu-architecture=\(architecture)", "",
                     "| file | kernel | registers | stack frame | spill stores | spill loads |", "|---|---|---|---|---|---|"]
        for report in reports {
            let r = report.resources
            lines.append("| \(report.file) | \(report.kernel) | \(r.registers) | \(r.stackFrameBytes) | \(r.spillStoreBytes) | \(r.spillLoadBytes) |")
        }
        let spilling = compiled.flatMap { kernels in
            KernelResources.parse(log: kernels.log).filter(\.value.spills).map { "\(kernels.fileName): \($0.key)" }
        }
        lines.append(spilling.isEmpty ? "\(reports.count) kernels in \(compiled.count) files compiled for \(architecture) without spills"
            : "register spills in: \(spilling.sorted().joined(separator: ", "))")
        return (lines.joined(separator: "\n"), spilling.isEmpty)
    }
}

extension Substring {
    /// The text after the first occurrence of `marker`, if any.
    fileprivate func suffix(after marker: String) -> Substring? {
        guard let range = firstRange(of: marker) else { return nil }
        return self[range.upperBound...]
    }
}
