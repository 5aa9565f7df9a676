import VLMCompute

/// The same tensor on the reference CPU backend and on the backend under test.
struct TensorPair {
    let reference: Tensor
    let device: Tensor
}

/// Makes paired inputs from fresh random values, runs an operation on both backends and records how far
/// the device result is from the CPU reference (METHOD.md): ‖out − ref‖ / ‖ref‖, NaN never passes, and
/// every device output starts as NaN, so an element the kernel did not write fails.
final class CheckContext {
    let device: Backend
    let reference = CPUBackend()
    var random: RandomSource
    private(set) var results: [CheckResult] = []

    /// bf16 operands give 1e-3 to 1e-2 (METHOD.md); the kernels round once, at the output, so the upper
    /// end leaves a wide margin over the ~1e-3 of that one rounding. fp32 arithmetic in another order
    /// lands near 1e-7.
    static let bf16Tolerance = 1e-2
    static let f32Tolerance = 1e-5

    init(device: Backend, seed: UInt64) {
        self.device = device
        random = RandomSource(seed: seed)
    }

    var activationName: String { device.activationType.rawValue }

    /// Random activations in [-scale, scale), rounded to bf16 so the device's bf16 copy is exact; f32 on
    /// the CPU, the device's activation dtype there.
    func activation(_ shape: [Int], scale: Float = 1) throws -> TensorPair {
        let values = (0 ..< shape.reduce(1, *)).map { _ in BFloat16.toFloat(BFloat16.fromFloat(random.signed() * scale)) }
        return TensorPair(reference: try reference.upload(values, shape: shape, dtype: .f32),
                          device: try device.upload(values, shape: shape, dtype: device.activationType))
    }

    /// A weight in its stored dtype on both backends, given to the device through `uploadWeight` as a
    /// checkpoint tensor is.
    func weight(_ shape: [Int], dtype: DType = .bf16, scale: Float = 1) throws -> TensorPair {
        let host = try reference.allocate(shape, dtype)
        let count = host.elementCount
        switch dtype {
        case .bf16, .f16:
            let bits = host.rawAddress.assumingMemoryBound(to: UInt16.self)
            for i in 0 ..< count {
                let value = random.signed() * scale
                bits[i] = dtype == .bf16 ? BFloat16.fromFloat(value) : Half.fromFloat(value)
            }
        case .f32:
            let floats = host.rawAddress.assumingMemoryBound(to: Float.self)
            for i in 0 ..< count { floats[i] = random.signed() * scale }
        case .i32:
            throw ComputeError.unsupportedDType(.i32, operation: "random weight")
        }
        return TensorPair(reference: host, device: try device.uploadWeight(host))
    }

    func indices(_ values: [Int32], shape: [Int]? = nil) throws -> TensorPair {
        let shape = shape ?? [values.count]
        return TensorPair(reference: try reference.upload(values, shape: shape), device: try device.upload(values, shape: shape))
    }

    /// Zeros on the CPU, NaN on the device (in `dtype`, the activation dtype by default).
    func output(_ shape: [Int], dtype: DType? = nil) throws -> TensorPair {
        let count = shape.reduce(1, *)
        return TensorPair(reference: try reference.allocate(shape, .f32),
                          device: try device.upload([Float](repeating: .nan, count: count), shape: shape, dtype: dtype ?? device.activationType))
    }

    /// Compares the two results and records a row. `exact`: the operation only moves data, so any
    /// difference fails.
    func compare(_ operation: String, _ shape: String, _ pair: TensorPair, exact: Bool = false) {
        let dtype = pair.device.dtype
        let tolerance = exact ? 0 : dtype == .f32 ? Self.f32Tolerance : Self.bf16Tolerance
        do {
            try device.synchronize()
            let expected = try reference.download(pair.reference)
            let actual = try device.download(pair.device)
            var difference = 0.0, magnitude = 0.0
            for i in expected.indices {
                guard actual[i].isFinite else {
                    record(operation, shape, dtype, nil, tolerance, false, "element \(i) is \(actual[i]) (unwritten or overflow)")
                    return
                }
                let d = Double(actual[i]) - Double(expected[i])
                difference += d * d
                magnitude += Double(expected[i]) * Double(expected[i])
            }
            let error = magnitude > 0 ? (difference / magnitude).squareRoot() : difference.squareRoot()
            record(operation, shape, dtype, error, tolerance, exact ? difference == 0 : error <= tolerance, exact ? "bit-exact copy" : "")
        } catch {
            record(operation, shape, dtype, nil, tolerance, false, "\(error)")
        }
    }

    func record(_ operation: String, _ shape: String, _ dtype: DType, _ error: Double?, _ tolerance: Double?, _ passed: Bool, _ note: String) {
        results.append(CheckResult(operation: operation, shape: shape, dtype: dtype.rawValue, relativeError: error, tolerance: tolerance,
                                   passed: passed, note: note))
    }

    /// Runs a check group; an error thrown while preparing it becomes a failed row instead of ending the run.
    func group(_ operation: String, _ shape: String, _ body: () throws -> Void) {
        do {
            try body()
        } catch {
            record(operation, shape, device.activationType, nil, nil, false, "\(error)")
        }
    }
}
