import Testing
import VLMCompute
@testable import VLMModels

/// Malformed steps are refused with a reason before any kernel runs.
@Suite struct StepValidationTests {
    private func run(_ step: ForwardStep) throws {
        let model = try ModelRegistry.load(directory: try Fixtures.modelDirectory("qwen2-vl-tiny"), backend: CPUBackend())
        _ = try model.forward(step, cache: try model.makeKVCache(blockCount: 2, blockSize: 4))
    }

    private func step(tokens: [Int32] = [1, 2], sequences: [StepSequence]? = nil, slots: [Int32] = [0, 1],
                      logitRows: [Int] = [1]) -> ForwardStep
    {
        ForwardStep(tokenIds: tokens, positions: Array(repeating: 0, count: 3 * tokens.count),
                    sequences: sequences ?? [StepSequence(queryStart: 0, queryLength: tokens.count, contextLength: 0, blockTable: [0])],
                    slotMapping: slots, logitRows: logitRows)
    }

    @Test func tokenOutsideTheVocabularyIsRefused() throws {
        #expect(throws: ModelInputError.tokenOutOfRange(id: 151936, vocabularySize: 151936)) { try run(step(tokens: [1, 151936])) }
    }

    @Test func sequencesMustCoverTheBatch() throws {
        let partial = [StepSequence(queryStart: 0, queryLength: 1, contextLength: 0, blockTable: [0])]
        #expect(throws: ModelInputError.invalidStep("sequences cover 1 of 2 tokens")) { try run(step(sequences: partial)) }
    }

    @Test func blockTableMustHoldTheContext() throws {
        let short = [StepSequence(queryStart: 0, queryLength: 2, contextLength: 3, blockTable: [0])]
        #expect(throws: ModelInputError.invalidStep("sequence 0 has 1 blocks for 5 positions")) { try run(step(sequences: short)) }
    }

    @Test func slotsMustBeInTheCache() throws {
        #expect(throws: ModelInputError.invalidStep("a slot is outside the cache")) { try run(step(slots: [0, 8])) }
    }

    @Test func logitRowsMustBeInTheBatch() throws {
        #expect(throws: ModelInputError.invalidStep("a logit row is outside 0..<2")) { try run(step(logitRows: [2])) }
    }
}
