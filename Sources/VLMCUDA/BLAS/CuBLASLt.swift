/// cuBLASLt through `dlopen`: the functions the GEMM planner uses, with the enum values of cublasLt.h
/// (CUDA 12 and 13 agree on all of them).
public final class CuBLASLt: @unchecked Sendable {
    typealias Status = Int32
    typealias Handle = OpaquePointer?
    typealias HandleOut = UnsafeMutablePointer<OpaquePointer?>?

    static let computeF32: Int32 = 68  // CUBLAS_COMPUTE_32F: fp32 accumulation, no TF32 shortcut
    static let dataF32: Int32 = 0      // CUDA_R_32F
    static let dataF16: Int32 = 2      // CUDA_R_16F
    static let dataBF16: Int32 = 14    // CUDA_R_16BF
    static let operationN: Int32 = 0, operationT: Int32 = 1
    static let descTransA: Int32 = 3, descTransB: Int32 = 4, descEpilogue: Int32 = 7, descBiasPointer: Int32 = 8
    static let epilogueDefault: UInt32 = 1, epilogueBias: UInt32 = 4
    static let preferenceMaxWorkspace: Int32 = 1
    /// CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_{A,B,C,D}_BYTES: the heuristic otherwise assumes 256-byte alignment.
    static let preferenceAlignment: [Int32] = [5, 6, 7, 8]
    /// sizeof(cublasLtMatmulHeuristicResult_t): algo (64 bytes), workspaceSize, state, wavesCount, reserved[4].
    static let heuristicResultSize = 96
    static let heuristicWorkspaceOffset = 64

    public let origin: String
    let cublasLtCreate: @convention(c) (HandleOut) -> Status
    let cublasLtDestroy: @convention(c) (Handle) -> Status
    let cublasLtMatmulDescCreate: @convention(c) (HandleOut, Int32, Int32) -> Status
    let cublasLtMatmulDescDestroy: @convention(c) (Handle) -> Status
    let cublasLtMatmulDescSetAttribute: @convention(c) (Handle, Int32, UnsafeRawPointer?, Int) -> Status
    let cublasLtMatrixLayoutCreate: @convention(c) (HandleOut, Int32, UInt64, UInt64, Int64) -> Status
    let cublasLtMatrixLayoutDestroy: @convention(c) (Handle) -> Status
    let cublasLtMatmulPreferenceCreate: @convention(c) (HandleOut) -> Status
    let cublasLtMatmulPreferenceDestroy: @convention(c) (Handle) -> Status
    let cublasLtMatmulPreferenceSetAttribute: @convention(c) (Handle, Int32, UnsafeRawPointer?, Int) -> Status
    let cublasLtMatmulAlgoGetHeuristic: @convention(c) (Handle, Handle, Handle, Handle, Handle, Handle, Handle, Int32,
                                                        UnsafeMutableRawPointer?, UnsafeMutablePointer<Int32>?) -> Status
    let cublasLtMatmul: @convention(c) (Handle, Handle, UnsafeRawPointer?, UInt64, Handle, UInt64, Handle, UnsafeRawPointer?,
                                        UInt64, Handle, UInt64, Handle, UnsafeRawPointer?, UInt64, Int, Handle) -> Status

    /// `VLM_CUBLASLT` (file or folder), else `libcublasLt.so.13` / `.12` through the library search path.
    public static func system() throws -> CuBLASLt {
        try CuBLASLt(SymbolTable.open("libcublasLt", candidates: LibraryLocations.candidates(
            variable: "VLM_CUBLASLT", sonames: ["libcublasLt.so.13", "libcublasLt.so.12", "libcublasLt.so"])))
    }

    public init(_ symbols: SymbolTable) throws {
        origin = symbols.origin
        cublasLtCreate = try symbols.function("cublasLtCreate")
        cublasLtDestroy = try symbols.function("cublasLtDestroy")
        cublasLtMatmulDescCreate = try symbols.function("cublasLtMatmulDescCreate")
        cublasLtMatmulDescDestroy = try symbols.function("cublasLtMatmulDescDestroy")
        cublasLtMatmulDescSetAttribute = try symbols.function("cublasLtMatmulDescSetAttribute")
        cublasLtMatrixLayoutCreate = try symbols.function("cublasLtMatrixLayoutCreate")
        cublasLtMatrixLayoutDestroy = try symbols.function("cublasLtMatrixLayoutDestroy")
        cublasLtMatmulPreferenceCreate = try symbols.function("cublasLtMatmulPreferenceCreate")
        cublasLtMatmulPreferenceDestroy = try symbols.function("cublasLtMatmulPreferenceDestroy")
        cublasLtMatmulPreferenceSetAttribute = try symbols.function("cublasLtMatmulPreferenceSetAttribute")
        cublasLtMatmulAlgoGetHeuristic = try symbols.function("cublasLtMatmulAlgoGetHeuristic")
        cublasLtMatmul = try symbols.function("cublasLtMatmul")
    }

    func check(_ status: Status, _ call: String) throws {
        guard status != 0 else { return }
        throw CUDAError.cublas(call: call, status: status)
    }
}
