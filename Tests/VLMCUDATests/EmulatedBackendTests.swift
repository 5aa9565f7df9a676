import ModelFixtureFiles
import Testing
import VLMBackendCheck
import VLMCompute
@testable import VLMCUDA

/// The CUDA backend and every kernel, run by the host emulator, against the CPU reference: the self-test
/// of `vlm selftest --device cuda` at small odd shapes. Serialized: the emulator runs one launch at a time.
@Suite(.serialized) struct EmulatedBackendTests {
    static func failures(_ results: [CheckResult]) -> [String] {
        results.filter { !$0.passed }.map { "\($0.operation) [\($0.shape)] \($0.dtype): \($0.note) error \($0.relativeError.map { "\($0)" } ?? "-")" }
    }

    @Test(arguments: [DType.bf16, .f32])
    func everyOperationMatchesTheCPUReference(activations: DType) throws {
        let backend = try EmulatedDevice.backend(activations)
        let launches = EmulatedDevice.launchCount
        let results = BackendCheck.operations(device: backend, shapes: .small, seed: 7)
        #expect(results.count > 40)
        #expect(Self.failures(results) == [])
        #expect(EmulatedDevice.launchCount > launches + 40)  // the kernels really ran on the emulated device
    }

    @Test func pagedAttentionSplitIntoPiecesMatches() throws {
        let backend = try EmulatedDevice.backend(.bf16, split: .keys(32))
        let results = BackendCheck.pagedAttention(device: backend, shapes: .small, seed: 11, label: ", split 32")
        #expect(results.count == 5)
        #expect(Self.failures(results) == [])
    }

    @Test func automaticSplitServesLongDecodes() throws {
        let backend = try EmulatedDevice.backend(.bf16)
        // 4 multiprocessors on the emulator: one long decode fills 2 blocks, so it is split.
        #expect(backend.pagedSplitKeys(maxKeys: 4000, blocks: 2) == 1024)
        #expect(backend.pagedSplitKeys(maxKeys: 4000, blocks: 64) == 0)
        #expect(backend.pagedSplitKeys(maxKeys: 900, blocks: 1) == 0)
    }

    @Test func invalidIndicesAreReportedAtSynchronize() throws {
        let results = BackendCheck.invalidInputs(device: try EmulatedDevice.backend(.bf16))
        #expect(results.map(\.operation) == ["embedding", "gatherRows", "writeKV", "pagedAttention", "segmentAttention"])
        #expect(Self.failures(results) == [])
    }

    @Test func capturedGraphReplaysOnNewInputs() throws {
        let backend = try EmulatedDevice.backend(.bf16)
        let results = BackendCheck.replay(device: backend, rows: 3, width: 40, seed: 5) { body in
            let graph = try backend.captureGraph(body)
            return { try graph.launch() }
        }
        #expect(results.count == 2)
        #expect(Self.failures(results) == [])
    }

    @Test(arguments: ["qwen2-vl-tiny", "qwen2.5-vl-tiny"], [DType.f32, .bf16])
    func tinyModelGeneratesAsTheCPU(model: String, activations: DType) throws {
        let directory = try ModelFixtureFiles.modelDirectory(model)
        let results = TinyModelCheck.run(modelDirectory: directory, device: try EmulatedDevice.backend(activations), seed: 3, steps: 4)
        #expect(Self.failures(results) == [])
    }
}
