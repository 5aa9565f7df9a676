#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// NVRTC, the runtime CUDA C++ compiler, through `dlopen`. Compiles one kernel source with its embedded
/// headers to a cubin for one architecture, and reports its log (with ptxas's resource usage: registers,
/// stack frame, spills).
public final class NVRTC: @unchecked Sendable {
    typealias Result = Int32
    typealias Program = OpaquePointer?

    public let origin: String
    public let version: (major: Int, minor: Int)
    private let nvrtcCreateProgram: @convention(c) (UnsafeMutablePointer<OpaquePointer?>?, UnsafePointer<CChar>?, UnsafePointer<CChar>?, Int32,
                                                    UnsafePointer<UnsafePointer<CChar>?>?, UnsafePointer<UnsafePointer<CChar>?>?) -> Result
    private let nvrtcDestroyProgram: @convention(c) (UnsafeMutablePointer<OpaquePointer?>?) -> Result
    private let nvrtcAddNameExpression: @convention(c) (Program, UnsafePointer<CChar>?) -> Result
    private let nvrtcCompileProgram: @convention(c) (Program, Int32, UnsafePointer<UnsafePointer<CChar>?>?) -> Result
    private let nvrtcGetProgramLogSize: @convention(c) (Program, UnsafeMutablePointer<Int>?) -> Result
    private let nvrtcGetProgramLog: @convention(c) (Program, UnsafeMutablePointer<CChar>?) -> Result
    private let nvrtcGetCUBINSize: @convention(c) (Program, UnsafeMutablePointer<Int>?) -> Result
    private let nvrtcGetCUBIN: @convention(c) (Program, UnsafeMutablePointer<CChar>?) -> Result
    private let nvrtcGetLoweredName: @convention(c) (Program, UnsafePointer<CChar>?, UnsafeMutablePointer<UnsafePointer<CChar>?>?) -> Result
    private let nvrtcGetErrorString: @convention(c) (Result) -> UnsafePointer<CChar>?

    /// `VLM_NVRTC` (the library file or its folder, e.g. the `nvidia-cuda-nvrtc` wheel's `nvidia/cu13/lib`),
    /// else `libnvrtc.so.13` / `.12` through the library search path. From a folder, NVRTC's builtins
    /// library is loaded first, so no library path needs setting.
    public static func system() throws -> NVRTC {
        let candidates = LibraryLocations.candidates(variable: "VLM_NVRTC", sonames: ["libnvrtc.so.13", "libnvrtc.so.12", "libnvrtc.so"])
        return try NVRTC(SymbolTable.open("libnvrtc", candidates: candidates) { candidate in
            let folder = LibraryLocations.folder(of: candidate)
            return folder.isEmpty ? [] : LibraryLocations.files(in: folder, prefix: "libnvrtc-builtins.so")
        })
    }

    public init(_ symbols: SymbolTable) throws {
        origin = symbols.origin
        let nvrtcVersion: @convention(c) (UnsafeMutablePointer<Int32>?, UnsafeMutablePointer<Int32>?) -> Result = try symbols.function("nvrtcVersion")
        nvrtcCreateProgram = try symbols.function("nvrtcCreateProgram")
        nvrtcDestroyProgram = try symbols.function("nvrtcDestroyProgram")
        nvrtcAddNameExpression = try symbols.function("nvrtcAddNameExpression")
        nvrtcCompileProgram = try symbols.function("nvrtcCompileProgram")
        nvrtcGetProgramLogSize = try symbols.function("nvrtcGetProgramLogSize")
        nvrtcGetProgramLog = try symbols.function("nvrtcGetProgramLog")
        nvrtcGetCUBINSize = try symbols.function("nvrtcGetCUBINSize")
        nvrtcGetCUBIN = try symbols.function("nvrtcGetCUBIN")
        nvrtcGetLoweredName = try symbols.function("nvrtcGetLoweredName")
        nvrtcGetErrorString = try symbols.function("nvrtcGetErrorString")
        var major: Int32 = 0, minor: Int32 = 0
        let result = nvrtcVersion(&major, &minor)
        guard result == 0 else { throw CUDAError.nvrtc(call: "nvrtcVersion", code: result, message: "") }
        version = (Int(major), Int(minor))
    }

    /// Options for every kernel: C++17, the target architecture, and ptxas's resource report in the log.
    static func options(architecture: String) -> [String] {
        ["--gpu-architecture=\(architecture)", "--std=c++17", "-Xptxas=-v"]
    }

    /// Compiles `source` (its `kernels` instantiated by name) for `architecture`, e.g. `sm_90a`.
    public func compile(_ source: KernelSource, architecture: String) throws -> CompiledKernels {
        let headers = KernelSource.headers
        var program: OpaquePointer?
        let created = withCStrings(headers.map(\.text)) { texts in
            withCStrings(headers.map(\.name)) { names in
                nvrtcCreateProgram(&program, source.text, source.fileName, Int32(headers.count), texts, names)
            }
        }
        try check(created, "nvrtcCreateProgram")
        defer { _ = nvrtcDestroyProgram(&program) }
        for kernel in source.kernels { try check(nvrtcAddNameExpression(program, kernel), "nvrtcAddNameExpression") }
        let compiled = withCStrings(Self.options(architecture: architecture)) { options in
            nvrtcCompileProgram(program, Int32(Self.options(architecture: architecture).count), options)
        }
        let log = try programLog(program)
        guard compiled == 0 else {
            throw CUDAError.compilation(file: source.fileName, architecture: architecture, log: log.isEmpty ? message(compiled) : log)
        }
        var size = 0
        try check(nvrtcGetCUBINSize(program, &size), "nvrtcGetCUBINSize")
        var cubin = [UInt8](repeating: 0, count: size)
        try check(cubin.withUnsafeMutableBytes { nvrtcGetCUBIN(program, $0.baseAddress?.assumingMemoryBound(to: CChar.self)) }, "nvrtcGetCUBIN")
        var lowered: [String: String] = [:]
        for kernel in source.kernels {
            var name: UnsafePointer<CChar>?
            try check(nvrtcGetLoweredName(program, kernel, &name), "nvrtcGetLoweredName")
            lowered[kernel] = name.map { String(cString: $0) }
        }
        return CompiledKernels(fileName: source.fileName, architecture: architecture, cubin: cubin, loweredNames: lowered, log: log)
    }

    private func programLog(_ program: OpaquePointer?) throws -> String {
        var size = 0
        try check(nvrtcGetProgramLogSize(program, &size), "nvrtcGetProgramLogSize")
        var bytes = [CChar](repeating: 0, count: max(size, 1))
        try check(nvrtcGetProgramLog(program, &bytes), "nvrtcGetProgramLog")
        return String(decoding: bytes.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    private func message(_ result: Result) -> String {
        nvrtcGetErrorString(result).map { String(cString: $0) } ?? "NVRTC error \(result)"
    }

    private func check(_ result: Result, _ call: String) throws {
        guard result != 0 else { return }
        throw CUDAError.nvrtc(call: call, code: result, message: message(result))
    }
}

/// A cubin with the mangled name of each kernel instantiation, and NVRTC's log.
public struct CompiledKernels: Sendable {
    public var fileName: String
    public var architecture: String
    public var cubin: [UInt8]
    /// Name expression (`rms_norm<bf16>`) → mangled symbol in the cubin.
    public var loweredNames: [String: String]
    public var log: String
}

/// Calls `body` with a C array of C strings that live for the call.
func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>?) -> R) -> R {
    let copies = strings.map { strdup($0) }
    defer { copies.forEach { free($0) } }
    let pointers: [UnsafePointer<CChar>?] = copies.map { $0.map { UnsafePointer($0) } }
    return pointers.withUnsafeBufferPointer { body($0.baseAddress) }
}
