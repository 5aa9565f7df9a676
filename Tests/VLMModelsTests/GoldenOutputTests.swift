import Testing
import VLMCompute
import VLMJSON
@testable import VLMModels

/// The tiny checkpoints against transformers (float32, CPU): M-RoPE positions, last-position logits,
/// 32 greedy tokens and each greedy step's top logits, for every case of both families.
@Suite struct GoldenOutputTests {
    static let tolerance: Float = 1e-4

    @Test func goldensCoverExactlyTheListedCases() throws {
        for model in Fixtures.modelNames {
            let names = try Fixtures.golden(model)["cases"]?.arrayValue?.compactMap { $0["name"]?.stringValue }
            #expect(names == Fixtures.caseNames)
        }
    }

    @Test(arguments: Fixtures.modelNames, Fixtures.caseNames)
    func positionsMatchReference(model: String, caseName: String) throws {
        let golden = try Fixtures.goldenCase(model, caseName)
        let loaded = try ModelRegistry.load(directory: try Fixtures.modelDirectory(model), backend: CPUBackend())
        let items = try Fixtures.visionInputs(golden).map {
            VisionPlacement(grid: $0.grid, isVideo: $0.isVideo, secondPerGrid: $0.secondPerGrid)
        }
        let positions = try loaded.mropePositions(promptTokenIds: golden["prompt_ids"]!.ints, items: items)
        let expected = (golden["positions"]?.arrayValue ?? []).flatMap { $0.ints.map(Int32.init) }
        #expect(positions.positions == expected)
        #expect(positions.ropeDelta == golden["rope_delta"]?.intValue)
    }

    @Test(arguments: Fixtures.modelNames, Fixtures.caseNames)
    func logitsAndGreedyTokensMatchTransformers(model: String, caseName: String) throws {
        let golden = try Fixtures.goldenCase(model, caseName)
        let loaded = try ModelRegistry.load(directory: try Fixtures.modelDirectory(model), backend: CPUBackend())
        let prompt = golden["prompt_ids"]!.ints
        let greedy = golden["greedy"]!.ints
        let runner = try SequenceRunner(model: loaded, promptTokenIds: prompt, vision: try Fixtures.visionInputs(golden),
                                        capacity: prompt.count + greedy.count)
        var logits = try runner.prefill()
        try expectClose(logits, golden["prefill_top50"]!, "\(model) \(caseName) prefill")
        var tokens: [Int] = []
        let steps = golden["greedy_top5"]?.arrayValue ?? []
        for step in steps {
            let token = Greedy.token(logits)
            tokens.append(token)
            logits = try runner.decode(token)
            try expectClose(logits, step, "\(model) \(caseName) step \(tokens.count)")
        }
        #expect(tokens == greedy)
    }

    @Test(arguments: Fixtures.modelNames)
    func chunkedPrefillMatchesTransformers(model: String) throws {
        // 7-token chunks cut both images' placeholder runs and put earlier chunks in the KV cache.
        let golden = try Fixtures.goldenCase(model, "two-images")
        let loaded = try ModelRegistry.load(directory: try Fixtures.modelDirectory(model), backend: CPUBackend())
        let prompt = golden["prompt_ids"]!.ints
        let runner = try SequenceRunner(model: loaded, promptTokenIds: prompt, vision: try Fixtures.visionInputs(golden),
                                        capacity: prompt.count, blockSize: 4)
        try expectClose(try runner.prefill(chunkSize: 7), golden["prefill_top50"]!, "\(model) chunked prefill")
    }

    /// Our logits at the golden's top ids are within tolerance, and our best id is its best id.
    private func expectClose(_ logits: ArraySlice<Float>, _ top: JSONValue, _ label: String) throws {
        let ids = top["ids"]!.ints, values = top["values"]!.floats
        try #require(ids.count == values.count && !ids.isEmpty)
        let row = Array(logits)
        let worst = zip(ids, values).map { abs(row[$0] - $1) }.max() ?? .infinity
        #expect(worst <= Self.tolerance, "\(label): max logit error \(worst)")
        #expect(Greedy.token(logits) == ids[0], "\(label): best token")
    }
}
