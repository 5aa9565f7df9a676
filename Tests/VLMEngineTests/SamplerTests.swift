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

    /// Which tokens of a `vocab`-sized row can still be drawn.
    static func kept(_ weights: SamplingWeights, vocab: Int = 4) -> [Bool] {
        var kept = [Bool](repeating: false, count: vocab)
        for (id, weight) in zip(weights.ids, weights.weights) { kept[id] = weight > 0 }
        return kept
    }

    @Test func minPDropsTokensBelowTheFractionOfTheTopProbability() {
        var weights = SamplingWeights(logits: [0, Float(log(2.0)), Float(log(4.0))], temperature: 1)
        weights.keepAtLeast(fractionOfTop: 0.3)
        // Probabilities 1/7, 2/7, 4/7; the threshold is 0.3 · 4/7.
        #expect(Self.kept(weights, vocab: 3) == [false, true, true])
    }

    @Test func topKKeepsTiesAtTheBoundary() {
        let two = SamplingWeights(logits: [1, 5, 3, 5, 2], temperature: 1, topK: 2)
        #expect(Self.kept(two, vocab: 5) == [false, true, false, true, false])
        let three = SamplingWeights(logits: [1, 5, 3, 5, 2], temperature: 1, topK: 3)
        #expect(Self.kept(three, vocab: 5) == [false, true, true, true, false])
        let one = SamplingWeights(logits: [1, 5, 3, 5, 2], temperature: 1, topK: 1)
        #expect(Self.kept(one, vocab: 5) == [false, true, false, true, false])
    }

    @Test func quickselectAgreesWithSorting() {
        var generator = SeededGenerator(seed: 3)
        for size in [1, 2, 7, 50, 301] {
            let values = (0..<size).map { _ in Float(generator.next() % 20) }
            let sorted = values.sorted(by: >)
            for k in Set([1, (size + 1) / 2, size]) {
                var scratch = values
                #expect(SamplingWeights.kthLargest(&scratch, k) == sorted[k - 1])
            }
        }
    }

    static let fourTokens = [0.1, 0.2, 0.3, 0.4].map { Float(log($0)) }

    @Test(arguments: [(0.5, [false, false, true, true]), (0.75, [false, true, true, true]), (0.01, [false, false, false, true])])
    func topPDropsTokensWithAtLeastPAboveThem(p: Double, expected: [Bool]) {
        var weights = SamplingWeights(logits: Self.fourTokens, temperature: 1)
        weights.keepNucleus(p)
        #expect(Self.kept(weights) == expected)
    }

    @Test func topPUsesTheProbabilitiesLeftByTopK() {
        // After top_k 3 the 0.2 token has 0.7 / 0.9 = 0.78 above it, over p = 0.72 (0.7 alone would not be).
        var weights = SamplingWeights(logits: Self.fourTokens, temperature: 1, topK: 3)
        weights.keepNucleus(0.72)
        #expect(Self.kept(weights) == [false, false, true, true])
    }

    @Test func topPCountsTheLowerIdAboveAmongTies() {
        var weights = SamplingWeights(logits: [0, 0, 0, 0], temperature: 1)
        weights.keepNucleus(0.5)
        #expect(Self.kept(weights) == [true, true, false, false])
    }

    @Test func topPPartitioningAgreesWithSorting() {
        var generator = SeededGenerator(seed: 11)
        for size in [1, 3, 40, 500] {
            // Float weights of similar size add up exactly in Double, so both orders of addition agree.
            let values = (0..<size).map { _ in Double(1 + generator.next() % 20) }
            let logits = values.map { Float(log($0)) }
            for p in [0.1, 0.5, 0.9, 0.999] {
                var weights = SamplingWeights(logits: logits, temperature: 1)
                let limit = p * weights.weights.reduce(0.0) { $0 + Double($1) }
                var above = 0.0
                var expected = [Bool](repeating: false, count: size)
                let order = values.indices.sorted { values[$0] > values[$1] || (values[$0] == values[$1] && $0 < $1) }
                for id in order {
                    expected[id] = above < limit
                    above += Double(weights.weights[id])
                }
                weights.keepNucleus(p)
                #expect(Self.kept(weights, vocab: size) == expected)
            }
        }
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
        let logSum = 1.5 + log(Double(exp(Float(-0.5))) + 1.0)
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

@Suite struct SamplerLogprobTests {
    @Test func zeroTopLogprobsGivesTheChosenTokenOnly() {
        // `logprobs: true` without `top_logprobs` asks for top 0; this once indexed an empty list.
        let logprob = Sampler.rawLogprobs([0, 1, 2, 3][...], tokenId: 2, top: 0)
        #expect(logprob.tokenId == 2)
        #expect(logprob.top.isEmpty)
        #expect(abs(Double(logprob.logprob) - (2 - log(exp(0.0) + exp(1.0) + exp(2.0) + exp(3.0)))) < 1e-6)
    }

    @Test func topLogprobsAreBestFirst() {
        let logprob = Sampler.rawLogprobs([0, 3, 1, 2][...], tokenId: 0, top: 2)
        #expect(logprob.top.map(\.tokenId) == [1, 3])
    }
}
