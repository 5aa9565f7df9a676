/// One kernel file embedded at build time (`Sources/VLMCUDA/Kernels/*.cu`) and the template instantiations
/// it declares in its `#define VLM_KERNELS(X)` list, e.g. `X(rms_norm<bf16>) X(rms_norm<float>)`: NVRTC
/// compiles exactly those, and the backend launches them by the same name.
public struct KernelSource: Sendable {
    public let fileName: String
    public let text: String
    public let kernels: [String]

    /// Every embedded `.cu` file, by name.
    public static let all: [KernelSource] = EmbeddedKernelSources.files
        .filter { $0.key.hasSuffix(".cu") }
        .sorted { $0.key < $1.key }
        .map { KernelSource(fileName: $0.key, text: $0.value) }

    /// The embedded `.cuh` headers, which NVRTC receives in memory (kernels `#include "common.cuh"`).
    public static let headers: [(name: String, text: String)] = EmbeddedKernelSources.files
        .filter { $0.key.hasSuffix(".cuh") }
        .sorted { $0.key < $1.key }
        .map { ($0.key, $0.value) }

    public init(fileName: String, text: String) {
        self.fileName = fileName
        self.text = text
        kernels = Self.instantiations(in: text)
    }

    /// The arguments of `X(...)` in the text after `#define VLM_KERNELS(X)` (continuation lines included).
    static func instantiations(in text: String) -> [String] {
        guard let start = text.firstRange(of: "#define VLM_KERNELS(X)") else { return [] }
        var body = ""
        for line in text[start.upperBound...].split(separator: "\n", omittingEmptySubsequences: false) {
            let continues = line.hasSuffix("\\")
            body += continues ? line.dropLast() : line
            if !continues { break }
        }
        var kernels: [String] = []
        var rest = Substring(body)
        while let open = rest.firstRange(of: "X(") {
            var depth = 1
            var index = open.upperBound
            while index < rest.endIndex, depth > 0 {
                if rest[index] == "(" { depth += 1 }
                if rest[index] == ")" { depth -= 1 }
                if depth > 0 { index = rest.index(after: index) }
            }
            guard index < rest.endIndex else { break }
            var name = rest[open.upperBound ..< index]
            while name.first == " " { name = name.dropFirst() }
            while name.last == " " { name = name.dropLast() }
            kernels.append(String(name))
            rest = rest[rest.index(after: index)...]
        }
        return kernels
    }

    /// FNV-1a of the source and every header: the kernel cache's key for this text.
    public var contentHash: UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for part in [text] + Self.headers.flatMap({ [$0.name, $0.text] }) {
            for byte in part.utf8 {
                hash ^= UInt64(byte)
                hash = hash &* 0x0000_0100_0000_01B3
            }
            hash = hash &* 0x0000_0100_0000_01B3
        }
        return hash
    }
}
