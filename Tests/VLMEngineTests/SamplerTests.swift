import Testing
@testable import VLMEngine

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The sampler's logits processing, with values worked out by hand from vLLM's definitions.
@Suite struct SamplerTests {
    static func input(_ params: SamplingParams = SamplingParams(), prompt: [Int] = [], output: [Int] = [],
                      blocked: [Int] = []) -> SamplingInput
    {
        SamplingInput(params: params, promptTokenIds: prompt[...], outputTokenIds: output[...], minTokensBlocked: blocked)
    }

    @Test func penaltiesFollowVLLM() {
        var params = SamplingParams()
        params.repetitionPenalty = 2
        params.frequencyPenalty = 0.5
        params.presencePenalty = 0.25
        var logits: [Float] = [2, -1, 0.5, 3]
        Sampler.applyPenalties(&logits, Self.input(params, prompt: [0], output: [1, 1, 2]))
        // Repetition: seen tokens 0, 1, 2 → 2/2, -1·2, 0.5/2; then output counts {1: 2, 2: 1}.
        #expect(logits == [1, -3.25, -0.5, 3])
    }

    @Test func minPDropsTokensBelowTheFractionOfTheTopProbability() {
        var logits: [Float] = [0, Float(log(2.0)), Float(log(4.0))]
        Sampler.applyMinP(&logits, 0.3)
        // Probabilities 1/7, 2/7, 4/7; the threshold is 0.3 · 4/7 = 1.2/7.
        #expect(logits == [-.infinity, Float(log(2.0)), Float(log(4.0))])
    }

    @Test func topKKeepsTiesAtTheBoundary() {
        var logits: [Float] = [1, 5, 3, 5, 2]
        Sampler.applyTopK(&logits, 2)
        #expect(logits == [-.infinity, 5, -.infinity, 5, -.infinity])
        var three: [Float] = [1, 5, 3, 5, 2]
        Sampler.applyTopK(&three, 3)
        #expect(three == [-.infinity, 5, 3, 5, -.infinity])
    }

    @Test func quickselectAgreesWithSorting() {
        var generator = SeededGenerator(seed: 3)
        for size in [1, 2, 7, 50, 301] {
            let values = (0..<size).map { _ in Float(generator.next() % 20) }
            let sorted = values.sorted(by: >)
            for k in Set([1, (size + 1) / 2, size]) {
                var scratch = values
                #expect(Sampler.kthLargest(&scratch, k) == sorted[k - 1])
            }
        }
    }

    @Test func topPDropsTheLeastLikelyTokensUpToOneMinusP() {
        let logits = [0.1, 0.2, 0.3, 0.4].map { Float(log($0)) }
        var half = logits
        Sampler.applyTopP(&half, 0.5)
        #expect(half == [-.infinity, -.infinity, logits[2], logits[3]])
        var most = logits
        Sampler.applyTopP(&most, 0.75)
        #expect(most == [-.infinity, logits[1], logits[2], logits[3]])
        var tiny = logits
        Sampler.applyTopP(&tiny, 0.01)
        #expect(tiny == [-.infinity, -.infinity, -.infinity, logits[3]])
    }

    @Test func greedyTakesTheFirstLargestLogit() {
        var params = SamplingParams()
        params.temperature = 0
        var generator = SeededGenerator(seed: 1)
        let token = Sampler.sample([1, 4, 4, 2][...], Self.input(params), generator: &generator)
        #expect(token.tokenId == 1)
        #expect(token.logprob == nil)
    }

    @Test func minTokensBlocksStopTokensUntilReached() {
        var params = SamplingParams()
        params.temperature = 0
        params.minTokens = 2
        var generator = SeededGenerator(seed: 1)
        let early = Sampler.sample([0, 9, 1][...], Self.input(params, output: [0], blocked: [1]), generator: &generator)
        #expect(early.tokenId == 2)
        let later = Sampler.sample([0, 9, 1][...], Self.input(params, output: [0, 0], blocked: [1]), generator: &generator)
        #expect(later.tokenId == 1)
    }

    @Test func logprobsAreThoseOfTheRawLogits() {
        var params = SamplingParams()
        params.temperature = 0
        params.repetitionPenalty = 2
        params.logprobs = 2
        var generator = SeededGenerator(seed: 1)
        let logits: [Float] = [1, 1.5, -.infinity]
        let token = Sampler.sample(logits[...], Self.input(params, prompt: [1]), generator: &generator)
        // The penalty turns 1.5 into 0.75, so token 0 wins; the reported values are from the raw logits.
        let logSum = 1.5 + log(exp(-0.5) + 1.0)
        #expect(token.tokenId == 0)
        #expect(token.logprob?.logprob == Float(1 - logSum))
        #expect(token.logprob?.top.map(\.tokenId) == [1, 0])
        #expect(token.logprob?.top.map(\.logprob) == [Float(1.5 - logSum), Float(1 - logSum)])
    }

    /// How often token 0 comes out of 4000 draws from odds 1:3 at `temperature`.
    static func shareOfTokenZero(temperature: Double) -> Double {
        var params = SamplingParams()
        params.temperature = temperature
        var generator = SeededGenerator(seed: 123)
        let logits: [Float] = [0, Float(log(3.0))]
        let draws = (0..<4000).map { _ in Sampler.sample(logits[...], Self.input(params), generator: &generator).tokenId }
        return Double(draws.filter { $0 == 0 }.count) / 4000
    }

    @Test func drawsFollowTheDistribution() {
        #expect(abs(Self.shareOfTokenZero(temperature: 1) - 0.25) < 0.03)
    }

    @Test func temperatureSharpensTheDistribution() {
        // Temperature 1/4 turns odds 1:3 into 1:81.
        #expect(abs(Self.shareOfTokenZero(temperature: 0.25) - 1.0 / 82) < 0.01)
    }

    @Test func sameSeedGivesTheSameDraws() {
        var params = SamplingParams()
        params.topK = 5
        let logits = (0..<20).map { Float($0 % 7) }
        func run(_ seed: UInt64) -> [Int] {
            var generator = SeededGenerator(seed: seed)
            return (0..<50).map { _ in Sampler.sample(logits[...], Self.input(params), generator: &generator).tokenId }
        }
        #expect(run(5) == run(5))
        #expect(run(5) != run(6))
    }
}
