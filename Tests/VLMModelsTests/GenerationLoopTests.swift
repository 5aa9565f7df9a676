import Testing
import VLMCompute
@testable import VLMModels

@Suite struct GenerationLoopTests {
    private func golden() throws -> (model: VisionLanguageModel, prompt: [Int], greedy: [Int]) {
        let golden = try Fixtures.goldenCase("qwen2.5-vl-tiny", "text")
        let model = try ModelRegistry.load(directory: try Fixtures.modelDirectory("qwen2.5-vl-tiny"), backend: CPUBackend())
        return (model, golden["prompt_ids"]!.ints, golden["greedy"]!.ints)
    }

    @Test func greedyGenerationReproducesTransformersAndStopsAtLength() throws {
        let (model, prompt, greedy) = try golden()
        let settings = GenerationSettings(maxTokens: 8, sampling: SamplingSettings(temperature: 0), seed: 0, stopTokenIds: [])
        let result = try GenerationLoop.run(model: model, promptTokenIds: prompt, vision: [], settings: settings)
        #expect(result == GenerationResult(tokenIds: Array(greedy.prefix(8)), promptTokens: prompt.count, finishReason: .length))
    }

    @Test func generationStopsAtAStopTokenAndKeepsIt() throws {
        let (model, prompt, greedy) = try golden()
        let settings = GenerationSettings(maxTokens: 32, sampling: SamplingSettings(temperature: 0), seed: 0, stopTokenIds: [greedy[2]])
        let result = try GenerationLoop.run(model: model, promptTokenIds: prompt, vision: [], settings: settings)
        #expect(result.tokenIds == Array(greedy.prefix(through: greedy.firstIndex(of: greedy[2])!)))
        #expect(result.finishReason == .stop)
    }

    @Test func seededSamplingIsReproducible() throws {
        let (model, prompt, _) = try golden()
        let settings = GenerationSettings(maxTokens: 6, sampling: SamplingSettings(temperature: 1.5, topK: 50), seed: 9, stopTokenIds: [])
        let first = try GenerationLoop.run(model: model, promptTokenIds: prompt, vision: [], settings: settings)
        #expect(try GenerationLoop.run(model: model, promptTokenIds: prompt, vision: [], settings: settings) == first)
    }
}
