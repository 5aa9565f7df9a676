import Synchronization
import VLMCompute

/// `out[M, N] = x[M, K] · weight[N, K]ᵀ (+ bias[N])` through cuBLASLt, with fp32 accumulation and the bias
/// in the epilogue. cuBLASLt is column-major, so the row-major product is computed as its transpose:
/// outᵀ (N × M, ld N) = W (N × K: the stored [N, K] rows read as a K × N column-major matrix, transposed)
/// · xᵀ (K × M, ld K). A plan (descriptors and the heuristic's algorithm) is built once per shape,
/// dtypes and pointer alignment, and reused.
final class MatmulPlanner: @unchecked Sendable {
    struct Key: Hashable {
        var m: Int, n: Int, k: Int
        var input: DType, weight: DType, output: DType
        var bias: Bool
        /// Largest power of two (≤ 256) dividing each of x, weight, out's addresses.
        var alignments: [Int]
    }

    private final class Plan {
        let blas: CuBLASLt
        let description: OpaquePointer
        let layouts: [OpaquePointer]  // A (weight), B (x), C = D (out)
        let algorithm: UnsafeMutableRawPointer  // the heuristic result; its first 64 bytes are the algorithm
        let workspaceBytes: Int

        init(blas: CuBLASLt, description: OpaquePointer, layouts: [OpaquePointer], algorithm: UnsafeMutableRawPointer, workspaceBytes: Int) {
            self.blas = blas
            self.description = description
            self.layouts = layouts
            self.algorithm = algorithm
            self.workspaceBytes = workspaceBytes
        }

        deinit {
            _ = blas.cublasLtMatmulDescDestroy(description)
            layouts.forEach { _ = blas.cublasLtMatrixLayoutDestroy($0) }
            algorithm.deallocate()
        }
    }

    /// Plans are dropped wholesale past this many (prefill chunks of every length would otherwise pile up).
    private static let maximumPlans = 1024

    private let blas: CuBLASLt
    private let handle: OpaquePointer
    private let workspace: UInt64
    private let workspaceBytes: Int
    /// nil: cuBLASLt has no algorithm for this combination; the caller takes the fallback kernel.
    private let plans = Mutex([Key: Plan?]())

    init(blas: CuBLASLt, workspace: UInt64, workspaceBytes: Int) throws {
        var handle: OpaquePointer?
        try blas.check(blas.cublasLtCreate(&handle), "cublasLtCreate")
        guard let handle else { throw CUDAError.invalidState("cublasLtCreate returned no handle") }
        self.blas = blas
        self.handle = handle
        self.workspace = workspace
        self.workspaceBytes = workspaceBytes
    }

    deinit {
        plans.withLock { $0 = [:] }
        _ = blas.cublasLtDestroy(handle)
    }

    static func dataType(_ dtype: DType) -> Int32? {
        switch dtype {
        case .bf16: return CuBLASLt.dataBF16
        case .f16: return CuBLASLt.dataF16
        case .f32: return CuBLASLt.dataF32
        case .i32: return nil
        }
    }

    static func alignment(_ address: UInt64) -> Int {
        var alignment = 256
        while alignment > 1 && address % UInt64(alignment) != 0 { alignment /= 2 }
        return alignment
    }

    /// Queues the product on `stream`; returns false (queuing nothing) when cuBLASLt has no algorithm for
    /// it. Under the lock: a plan's bias pointer is set right before its matmul.
    func run(key: Key, x: UInt64, weight: UInt64, bias: UInt64?, out: UInt64, stream: OpaquePointer) throws -> Bool {
        try plans.withLock { plans in
            if plans[key] == nil {
                if plans.count >= Self.maximumPlans { plans = [:] }
                plans[key] = .some(try makePlan(key))
            }
            guard let known = plans[key], let plan = known else { return false }
            if var biasAddress = bias {  // the key fixed the epilogue; only the bias address changes between calls
                try blas.check(blas.cublasLtMatmulDescSetAttribute(plan.description, CuBLASLt.descBiasPointer, &biasAddress, 8),
                               "cublasLtMatmulDescSetAttribute")
            }
            var alpha: Float = 1, beta: Float = 0
            try blas.check(blas.cublasLtMatmul(handle, plan.description, &alpha, weight, plan.layouts[0], x, plan.layouts[1], &beta,
                                               out, plan.layouts[2], out, plan.layouts[2], plan.algorithm, workspace,
                                               min(plan.workspaceBytes, workspaceBytes), stream), "cublasLtMatmul")
            return true
        }
    }

    private func makePlan(_ key: Key) throws -> Plan? {
        guard let inputType = Self.dataType(key.input), let weightType = Self.dataType(key.weight),
              let outputType = Self.dataType(key.output) else { return nil }
        var description: OpaquePointer?
        try blas.check(blas.cublasLtMatmulDescCreate(&description, CuBLASLt.computeF32, CuBLASLt.dataF32), "cublasLtMatmulDescCreate")
        guard let description else { return nil }
        var layouts: [OpaquePointer] = []
        var preference: OpaquePointer?
        let algorithm = UnsafeMutableRawPointer.allocate(byteCount: CuBLASLt.heuristicResultSize, alignment: 16)
        algorithm.initializeMemory(as: UInt8.self, repeating: 0, count: CuBLASLt.heuristicResultSize)
        var keep = false
        defer {
            if let preference { _ = blas.cublasLtMatmulPreferenceDestroy(preference) }
            if !keep {
                _ = blas.cublasLtMatmulDescDestroy(description)
                layouts.forEach { _ = blas.cublasLtMatrixLayoutDestroy($0) }
                algorithm.deallocate()
            }
        }
        var transposeA = CuBLASLt.operationT, transposeB = CuBLASLt.operationN
        try blas.check(blas.cublasLtMatmulDescSetAttribute(description, CuBLASLt.descTransA, &transposeA, 4), "cublasLtMatmulDescSetAttribute")
        try blas.check(blas.cublasLtMatmulDescSetAttribute(description, CuBLASLt.descTransB, &transposeB, 4), "cublasLtMatmulDescSetAttribute")
        var epilogue = key.bias ? CuBLASLt.epilogueBias : CuBLASLt.epilogueDefault
        try blas.check(blas.cublasLtMatmulDescSetAttribute(description, CuBLASLt.descEpilogue, &epilogue, 4), "cublasLtMatmulDescSetAttribute")
        for (type, rows, columns, leading) in [(weightType, key.k, key.n, key.k), (inputType, key.k, key.m, key.k), (outputType, key.n, key.m, key.n)] {
            var layout: OpaquePointer?
            try blas.check(blas.cublasLtMatrixLayoutCreate(&layout, type, UInt64(rows), UInt64(columns), Int64(leading)), "cublasLtMatrixLayoutCreate")
            guard let layout else { return nil }
            layouts.append(layout)
        }
        try blas.check(blas.cublasLtMatmulPreferenceCreate(&preference), "cublasLtMatmulPreferenceCreate")
        var workspaceLimit = UInt64(workspaceBytes)
        try blas.check(blas.cublasLtMatmulPreferenceSetAttribute(preference, CuBLASLt.preferenceMaxWorkspace, &workspaceLimit, 8),
                       "cublasLtMatmulPreferenceSetAttribute")
        // A (weight), B (x), C and D (out): the alignment each pointer really has.
        for (attribute, alignment) in zip(CuBLASLt.preferenceAlignment, [key.alignments[1], key.alignments[0], key.alignments[2], key.alignments[2]]) {
            var bytes = UInt32(alignment)
            try blas.check(blas.cublasLtMatmulPreferenceSetAttribute(preference, attribute, &bytes, 4), "cublasLtMatmulPreferenceSetAttribute")
        }
        var found: Int32 = 0
        let status = blas.cublasLtMatmulAlgoGetHeuristic(handle, description, layouts[0], layouts[1], layouts[2], layouts[2], preference, 1,
                                                         algorithm, &found)
        guard status == 0, found > 0 else { return nil }
        keep = true
        let workspaceNeeded = algorithm.load(fromByteOffset: CuBLASLt.heuristicWorkspaceOffset, as: Int.self)
        return Plan(blas: blas, description: description, layouts: layouts, algorithm: algorithm, workspaceBytes: workspaceNeeded)
    }
}
