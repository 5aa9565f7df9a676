import ArgumentParser
import VLMCompute
import VLMCUDA

/// bf16 GEMM rate through the backend's `linear` (cuBLASLt) on random data, and the decode-shaped GEMV
/// (one row against Qwen2-VL-7B's gate projection) as bandwidth, rotating over weights larger than L2.
struct GemmCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "gemm", abstract: "Measure bf16 GEMM and GEMV rates.")

    @Option(help: "Square GEMM size.")
    var size = 8192

    @Option(help: "Timed products (the median is reported).")
    var repeats = 20

    func run() throws {
        let backend = try CUDABackend()
        let n = size
        let x = try backend.upload(randomValues(n * n, seed: 1), shape: [n, n], dtype: .bf16)
        let w = try backend.upload(randomValues(n * n, seed: 2), shape: [n, n], dtype: .bf16)
        let out = try backend.allocate([n, n], .bf16)
        let gemm = try medianMilliseconds(backend, repeats: repeats) { _ in backend.linear(x, weight: w, bias: nil, into: out) }
        print(json(["measure": "bf16 GEMM \(n)³", "median_ms": gemm, "tflop_per_s": 2 * Double(n) * Double(n) * Double(n) / gemm / 1e9,
                    "linear_fallback_calls": backend.linearCalls.fallback]))

        let (rows, inputs, outputs) = (1, 3584, 18944)
        let row = try backend.upload(randomValues(rows * inputs, seed: 3), shape: [rows, inputs], dtype: .bf16)
        let weights = try (0 ..< 4).map { try backend.upload(randomValues(outputs * inputs, seed: 4 + UInt64($0)), shape: [outputs, inputs], dtype: .bf16) }
        let result = try backend.allocate([rows, outputs], .bf16)
        let gemv = try medianMilliseconds(backend, repeats: repeats * 4) { i in backend.linear(row, weight: weights[i % 4], bias: nil, into: result) }
        let bytes = Double(outputs * inputs * 2)
        print(json(["measure": "bf16 GEMV 1×\(inputs) · \(outputs)×\(inputs)ᵀ", "median_ms": gemv, "weight_gb_per_s": bytes / gemv / 1e6]))
    }
}
