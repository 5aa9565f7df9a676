import Testing
@testable import VLMEngine

/// Stop strings, stop tokens, EOS, min_tokens and length limits, end to end on the fake model (token v
/// reads "<v>").
@Suite struct StopTests {
    static let prompt = TestRequests.text(6, seed: 3)

    static func run(_ sampling: SamplingParams, prompt: [Int] = prompt, config: EngineConfig = TestRequests.config()) throws
        -> GeneratedChoice
    {
        let (engine, _) = try TestRequests.engine(config, detokenizers: BracketDetokenizers())
        return try engine.generate([TestRequests.request("r", before: prompt, sampling: sampling)])[0].choices[0]
    }

    /// The greedy tokens of `prompt` without any stop rule.
    static var free: [Int] { FakeModel.referenceGreedy(TestRequests.request("r", before: prompt, sampling: TestRequests.greedy(maxTokens: 12)), maxTokens: 12) }

    /// A prompt whose greedy continuation hits the tokenizer's EOS, and where.
    static func promptEndingInEOS() -> (prompt: [Int], eosIndex: Int) {
        for seed in 0..<500 {
            let prompt = TestRequests.text(5, seed: seed)
            let tokens = FakeModel.referenceGreedy(
                TestRequests.request("r", before: prompt, sampling: TestRequests.greedy(maxTokens: 40, ignoreEOS: false)),
                maxTokens: 40)
            if tokens.last == FakeModel.eosTokenIds[0], tokens.count >= 3 { return (prompt, tokens.count - 1) }
        }
        return ([], -1)
    }

    @Test func stopStringAcrossTokensEndsTheTextBeforeIt() throws {
        let free = Self.free
        var sampling = TestRequests.greedy(maxTokens: 12)
        // Spans the boundary between the 3rd and 4th tokens.
        sampling.stop = ["\(free[2])><\(free[3])"]
        let choice = try Self.run(sampling)
        #expect(choice.text == "<\(free[0])><\(free[1])><")
        #expect(choice.tokenIds == Array(free.prefix(4)))
        #expect(choice.finishReason == .stop)
        #expect(choice.stopReason == sampling.stop[0])
    }

    @Test func includedStopStringStaysInTheText() throws {
        let free = Self.free
        var sampling = TestRequests.greedy(maxTokens: 12)
        sampling.stop = ["\(free[2])><\(free[3])"]
        sampling.includeStopStrInOutput = true
        #expect(try Self.run(sampling).text == "<\(free[0])><\(free[1])><\(free[2])><\(free[3])")
    }

    @Test func stopTokenIdEndsWithoutItsText() throws {
        let free = Self.free
        var sampling = TestRequests.greedy(maxTokens: 12)
        sampling.stopTokenIds = [free[2]]
        let choice = try Self.run(sampling)
        #expect(choice.tokenIds == Array(free.prefix(3)))
        #expect(choice.text == "<\(free[0])><\(free[1])>")
        #expect(choice.finishReason == .stop)
        #expect(choice.stopTokenId == free[2])
        #expect(choice.stopReason == nil)
    }

    @Test func eosEndsWithNoStopReason() throws {
        let (prompt, eosIndex) = Self.promptEndingInEOS()
        let choice = try Self.run(TestRequests.greedy(maxTokens: 40, ignoreEOS: false), prompt: prompt)
        #expect(choice.tokenIds.count == eosIndex + 1)
        #expect(choice.finishReason == .stop)
        #expect(choice.stopTokenId == nil)
        #expect(!choice.text.contains("<\(FakeModel.eosTokenIds[0])>"))
    }

    @Test func ignoreEOSRunsToMaxTokens() throws {
        let (prompt, eosIndex) = Self.promptEndingInEOS()
        let choice = try Self.run(TestRequests.greedy(maxTokens: eosIndex + 5, ignoreEOS: true), prompt: prompt)
        #expect(choice.tokenIds.count == eosIndex + 5)
        #expect(choice.finishReason == .length)
    }

    @Test func minTokensHoldsOffEOS() throws {
        let (prompt, eosIndex) = Self.promptEndingInEOS()
        var sampling = TestRequests.greedy(maxTokens: 40, ignoreEOS: false)
        sampling.minTokens = eosIndex + 3
        let choice = try Self.run(sampling, prompt: prompt)
        #expect(choice.tokenIds.count >= eosIndex + 3)
        #expect(!choice.tokenIds.prefix(eosIndex + 2).contains { FakeModel.eosTokenIds.contains($0) })
    }

    @Test func maxModelLenEndsWithLength() throws {
        let config = TestRequests.config(maxModelLen: 32)
        var sampling = TestRequests.greedy(maxTokens: 1)
        sampling.maxTokens = nil
        let choice = try Self.run(sampling, prompt: TestRequests.text(29, seed: 1), config: config)
        #expect(choice.tokenIds.count == 3)
        #expect(choice.finishReason == .length)
    }

    @Test func streamedTextHoldsBackWhatCouldStartAStopString() {
        var sampling = SamplingParams()
        sampling.stop = ["abc"]
        var text = OutputText(detokenizer: ScriptedDecoder(pieces: ["xa", "b", "cd"]), sampling: sampling)
        #expect(text.append(0, outputCount: 1, isStopToken: false) == nil)
        #expect(text.takeDelta(finished: false) == "")
        #expect(text.append(1, outputCount: 2, isStopToken: false) == nil)
        #expect(text.takeDelta(finished: false) == "x")
        #expect(text.append(2, outputCount: 3, isStopToken: false) == "abc")
        #expect(text.takeDelta(finished: true) == "")
        #expect(text.fullText == "x")
    }

    @Test func stopStringsWaitForMinTokens() {
        var sampling = SamplingParams()
        sampling.stop = ["b"]
        sampling.minTokens = 2
        var text = OutputText(detokenizer: ScriptedDecoder(pieces: ["b", "b"]), sampling: sampling)
        #expect(text.append(0, outputCount: 1, isStopToken: false) == nil)
        #expect(text.append(1, outputCount: 2, isStopToken: false) == nil)
        #expect(text.fullText == "bb")
    }

    @Test func lengthsCountUnicodeScalarsLikePython() {
        var sampling = SamplingParams()
        sampling.stop = ["é!"]
        var text = OutputText(detokenizer: ScriptedDecoder(pieces: ["🙂é", "!x"]), sampling: sampling)
        #expect(text.append(0, outputCount: 1, isStopToken: false) == nil)
        #expect(text.takeDelta(finished: false) == "🙂")
        #expect(text.append(1, outputCount: 2, isStopToken: false) == "é!")
        #expect(text.takeDelta(finished: true) == "")
    }
}

/// Returns the given pieces in order, whatever the token.
struct ScriptedDecoder: IncrementalDetokenizer {
    var pieces: [String]
    mutating func add(_ tokenId: Int) -> String { pieces.isEmpty ? "" : pieces.removeFirst() }
}
