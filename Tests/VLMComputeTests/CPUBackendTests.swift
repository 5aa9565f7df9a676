#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import VLMCompute

/// The CPU reference kernels on small inputs with exact expected values.
@Suite struct CPUBackendTests {
    let backend = CPUBackend()

    @Test func bf16RoundsToNearestEven() {
        #expect(BFloat16.fromFloat(1.0) == 0x3F80)
        #expect(BFloat16.fromFloat(1 + 0x1p-8) == 0x3F80) // tie → even
        #expect(BFloat16.fromFloat(1 + 3 * 0x1p-8) == 0x3F82) // tie → even (up)
        #expect(BFloat16.fromFloat(1 + 0x1p-7 + 0x1p-9) == 0x3F81)
        #expect(BFloat16.toFloat(BFloat16.fromFloat(.nan)).isNaN)
    }

    @Test(arguments: [DType.f32, .bf16, .f16], [2, 6])
    func linearAddsBiasForEveryWeightTypeAndRowCount(weightType: DType, rows: Int) throws {
        // Rows beyond four take the tiled path, up to four the register-conversion path.
        let x = try backend.upload((0 ..< rows).flatMap { [Float($0), 1] }, shape: [rows, 2], dtype: .f32)
        let w = try backend.upload([1, 0, 0, 1, 1, 1], shape: [3, 2], dtype: weightType)
        let b = try backend.upload([0.5, -1, 0], shape: [3], dtype: weightType)
        let out = try backend.allocate([rows, 3], .f32)
        backend.linear(x, weight: w, bias: b, into: out)
        #expect(try backend.download(out) == (0 ..< rows).flatMap { [Float($0) + 0.5, 0, Float($0) + 1] })
    }

    @Test func rmsNormScalesByTheRootMeanSquare() throws {
        let x = try backend.upload([3, 4, 0, 0], shape: [2, 2], dtype: .f32)
        let w = try backend.upload([1, 2], shape: [2], dtype: .bf16)
        let out = try backend.allocate([2, 2], .f32)
        backend.rmsNorm(x, weight: w, epsilon: 0.5, into: out)
        let scale = 1 / Float(13).squareRoot()
        #expect(try backend.download(out) == [3 * scale, 2 * (4 * scale), 0, 0])
    }

    @Test func addRMSNormUpdatesTheResidual() throws {
        let x = try backend.upload([1, 1], shape: [1, 2], dtype: .f32)
        let residual = try backend.upload([2, 3], shape: [1, 2], dtype: .f32)
        let out = try backend.allocate([1, 2], .f32)
        backend.addRMSNorm(x, residual: residual, weight: try backend.upload([1, 1], shape: [2], dtype: .f32), epsilon: 0, into: out)
        #expect(try backend.download(residual) == [3, 4])
        let scale = 1 / Float(12.5).squareRoot()
        #expect(try backend.download(out) == [3 * scale, 4 * scale])
    }

    @Test func layerNormCentresAndScales() throws {
        let x = try backend.upload([1, 3], shape: [1, 2], dtype: .f32)
        let out = try backend.allocate([1, 2], .f32)
        backend.layerNorm(x, weight: try backend.upload([2, 2], shape: [2], dtype: .f32),
                          bias: try backend.upload([1, 1], shape: [2], dtype: .f32), epsilon: 0, into: out)
        #expect(try backend.download(out) == [-1, 3])
    }

    @Test func rotaryPicksEachFrequencysAxis() throws {
        // Two tokens, frequencies on axes (0, 1): angle = position[axis] * inverse frequency.
        let positions = try backend.upload([1, 2, 3, 4], shape: [2, 2])
        let inverse = try backend.upload([0.5, 0.25], shape: [2], dtype: .f32)
        let axes = try backend.upload([0, 1] as [Int32], shape: [2])
        let cos = try backend.allocate([2, 2], .f32), sin = try backend.allocate([2, 2], .f32)
        backend.rotaryTable(positions: positions, inverseFrequencies: inverse, axes: axes, cos: cos, sin: sin)
        #expect(try backend.download(cos) == [cosf(0.5), cosf(0.75), cosf(1.0), cosf(1.0)])
        // NeoX pairs (j, j+2): x = (1, 0 | 0, 1) rotates to (cos0, −sin1 | sin0, cos1).
        let x = try backend.upload([1, 0, 0, 1], shape: [1, 1, 4], dtype: .f32)
        backend.applyRotary(x, cos: cos.rows(0 ..< 1), sin: sin.rows(0 ..< 1), into: x)
        #expect(try backend.download(x) == [cosf(0.5), -sinf(0.75), sinf(0.5), cosf(0.75)])
    }

    @Test func pagedAttentionIsCausalAcrossScatteredBlocks() throws {
        // Zero queries give uniform weights: each row averages the values it may see.
        let cacheShape = [3, 2, 1, 2]
        let keys = try backend.allocate(cacheShape, .f32), values = try backend.allocate(cacheShape, .f32)
        let v = try backend.upload([3, 0, 0, 3, 3, 3], shape: [3, 1, 2], dtype: .f32)
        let slots = try backend.upload([4, 5, 0], shape: [3]) // block table [2, 0]
        backend.writeKV(key: try backend.allocate([3, 1, 2], .f32), value: v, slots: slots, keyCache: keys, valueCache: values)
        let batch = PagedAttentionBatch(
            queryStarts: try backend.upload([0, 3], shape: [2]), contextLengths: try backend.upload([0], shape: [1]),
            blockTables: try backend.upload([2, 0], shape: [1, 2]), blockSize: 2, sequenceCount: 1, maxKeyLength: 3)
        let out = try backend.allocate([3, 1, 2], .f32)
        backend.pagedAttention(q: try backend.allocate([3, 1, 2], .f32), keyCache: keys, valueCache: values, batch: batch,
                               scale: 1, into: out)
        #expect(try backend.download(out) == [3, 0, 1.5, 1.5, 2, 2])
    }

    @Test func pagedAttentionDecodeSeesTheContext() throws {
        let keys = try backend.allocate([2, 2, 1, 1], .f32), values = try backend.upload([2, 4, 6, 8], shape: [2, 2, 1, 1], dtype: .f32)
        let batch = PagedAttentionBatch(
            queryStarts: try backend.upload([0, 1, 2], shape: [3]), contextLengths: try backend.upload([1, 3], shape: [2]),
            blockTables: try backend.upload([0, 0, 0, 1], shape: [2, 2]), blockSize: 2, sequenceCount: 2, maxKeyLength: 4)
        let out = try backend.allocate([2, 1, 1], .f32)
        backend.pagedAttention(q: try backend.allocate([2, 1, 1], .f32), keyCache: keys, valueCache: values, batch: batch,
                               scale: 1, into: out)
        #expect(try backend.download(out) == [3, 5])
    }

    @Test func segmentAttentionStaysInsideSegmentsAndSharesKVHeads() throws {
        // Two query heads share one key/value head; rows 0-1 and row 2 are separate segments.
        let v = try backend.upload([2, 4, 9], shape: [3, 1, 1], dtype: .f32)
        let out = try backend.allocate([3, 2, 1], .f32)
        backend.segmentAttention(q: try backend.allocate([3, 2, 1], .f32), k: try backend.allocate([3, 1, 1], .f32), v: v,
                                 segments: try backend.upload([0, 2, 3], shape: [3]), scale: 1, into: out)
        #expect(try backend.download(out) == [3, 3, 3, 3, 9, 9])
    }

    @Test func gatherAndCopyRowsMoveWholeRows() throws {
        let src = try backend.upload([1, 2, 3, 4, 5, 6], shape: [3, 2], dtype: .f32)
        let out = try backend.allocate([2, 2], .f32)
        backend.gatherRows(src, indices: try backend.upload([2, 0], shape: [2]), into: out)
        #expect(try backend.download(out) == [5, 6, 1, 2])
        backend.copyRows(src, rows: 1 ..< 2, into: out, at: 0)
        #expect(try backend.download(out) == [3, 4, 1, 2])
    }
}
