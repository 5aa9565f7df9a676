import Testing
@testable import VLMCompute

@Suite struct TokenSamplerTests {
    @Test func argmaxTakesTheFirstOfTies() {
        #expect(TokenSampler.argmax([1, 5, 5, 2][...]) == 1)
    }

    @Test func greedySettingsIgnoreTheRandomStream() {
        var sampler = TokenSampler(seed: 7)
        #expect(sampler.sample([0, 3, 1][...], settings: SamplingSettings(temperature: 0)) == 1)
        #expect(sampler.sample([0, 3, 1][...], settings: SamplingSettings(temperature: 1, topK: 1)) == 1)
    }

    @Test func sameSeedGivesTheSameDraws() {
        let logits = [Float](repeating: 0, count: 50)[...]
        let settings = SamplingSettings(temperature: 1)
        var a = TokenSampler(seed: 42), b = TokenSampler(seed: 42)
        let first = (0 ..< 20).map { _ in a.sample(logits, settings: settings) }
        #expect(first == (0 ..< 20).map { _ in b.sample(logits, settings: settings) })
        #expect(Set(first).count > 1)
    }

    @Test func topPKeepsOnlyTheNucleus() {
        // Probabilities ≈ 0.84, 0.11, 0.04, …: top-p 0.5 leaves only the first token.
        var sampler = TokenSampler(seed: 1)
        let logits: ArraySlice<Float> = [4, 2, 1, 0, 0]
        #expect((0 ..< 30).allSatisfy { _ in sampler.sample(logits, settings: SamplingSettings(temperature: 1, topP: 0.5)) == 0 })
    }

    @Test func topKLimitsTheCandidates() {
        var sampler = TokenSampler(seed: 3)
        let logits: ArraySlice<Float> = [0, 5, 0, 5, 0]
        #expect((0 ..< 30).allSatisfy { _ in [1, 3].contains(sampler.sample(logits, settings: SamplingSettings(temperature: 1, topK: 2))) })
    }
}
