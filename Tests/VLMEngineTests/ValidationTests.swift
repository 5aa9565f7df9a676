import Testing
@testable import VLMEngine

/// Requests refused before queueing, with the message the server returns as a 400.
@Suite struct ValidationTests {
    static let validator: RequestValidator = {
        var config = TestRequests.config(maxModelLen: 64)
        config.limitMMPerPrompt = [.image: 1, .video: 0]
        return RequestValidator(config: config, vocabSize: FakeModel.vocabSize)
    }()

    static func text(_ count: Int = 8, _ edit: (inout SamplingParams) -> Void = { _ in }) -> EngineRequest {
        var sampling = SamplingParams()
        edit(&sampling)
        return EngineRequest(id: "r", promptTokenIds: TestRequests.text(count, seed: 1), sampling: sampling)
    }

    static func message(_ request: EngineRequest) -> String? {
        do {
            _ = try validator.validate(request)
            return nil
        } catch {
            return "\(error)"
        }
    }

    static let samplingCases: [(String, (inout SamplingParams) -> Void)] = [
        ("n must be at least 1, got 0.", { $0.n = 0 }),
        ("presence_penalty must be in [-2, 2], got 2.5.", { $0.presencePenalty = 2.5 }),
        ("frequency_penalty must be in [-2, 2], got -3.0.", { $0.frequencyPenalty = -3 }),
        ("repetition_penalty must be greater than zero, got 0.0.", { $0.repetitionPenalty = 0 }),
        ("repetition_penalty must be a finite number, got inf.", { $0.repetitionPenalty = .infinity }),
        ("temperature must be non-negative, got -0.5.", { $0.temperature = -0.5 }),
        ("temperature must be a finite number, got nan.", { $0.temperature = .nan }),
        ("top_p must be in (0, 1], got 0.0.", { $0.topP = 0 }),
        ("top_k must be 0 (disable), or at least 1, got -2.", { $0.topK = -2 }),
        ("min_p must be in [0, 1], got 1.5.", { $0.minP = 1.5 }),
        ("max_tokens must be at least 1, got 0.", { $0.maxTokens = 0 }),
        ("min_tokens must be greater than or equal to 0, got -1.", { $0.minTokens = -1 }),
        ("min_tokens must be less than or equal to max_tokens=4, got 5.", { $0.maxTokens = 4; $0.minTokens = 5 }),
        ("logprobs must be non-negative, got -1.", { $0.logprobs = -1 }),
        ("logprobs requested 21, which is greater than max allowed: 20 (--max-logprobs).", { $0.logprobs = 21 }),
        ("stop cannot contain an empty string.", { $0.stop = ["ok", ""] }),
    ]

    @Test(arguments: samplingCases.indices)
    func samplingValuesOutOfRangeAreRefused(_ index: Int) {
        let (expected, edit) = Self.samplingCases[index]
        #expect(Self.message(Self.text(8, edit)) == expected)
    }

    @Test func defaultsAreAccepted() {
        #expect(Self.message(Self.text()) == nil)
    }

    @Test func promptPlusMaxTokensOverTheContextUsesVLLMWording() {
        #expect(Self.message(Self.text(60) { $0.maxTokens = 10 })
            == "This model's maximum context length is 64 tokens. However, you requested 70 tokens (60 in the messages, 10 in the completion). Please reduce the length of the messages or completion.")
    }

    @Test func promptFillingTheContextIsRefused() {
        #expect(Self.message(Self.text(64))
            == "This model's maximum context length is 64 tokens. However, your prompt has 64 tokens. Please reduce the length of the messages or raise --max-model-len.")
    }

    @Test func tooManyImagesNamesTheFlag() {
        let image = TestRequests.image(pixelSeed: 1)
        let pads = Array(repeating: FakeModel.imageTokenId, count: image.tokenCount)
        let request = EngineRequest(id: "r", promptTokenIds: [1] + pads + [2] + pads, visionItems: [image, image])
        #expect(Self.message(request)
            == "At most 1 image(s) may be provided in one prompt; this one has 2. Raise the limit with --limit-mm-per-prompt '{\"image\": 2}'.")
    }

    @Test func placeholdersMustMatchTheItems() {
        let image = TestRequests.image(pixelSeed: 1)
        let short = EngineRequest(id: "r", promptTokenIds: [1, FakeModel.imageTokenId, 2], visionItems: [image])
        #expect(Self.message(short) == "Vision item 0 (image, 4 tokens) does not match the placeholder tokens at position 1.")
        let missing = EngineRequest(id: "r", promptTokenIds: [1, 2], visionItems: [image])
        #expect(Self.message(missing) == "1 vision item(s) were given but the prompt has placeholders for 0.")
        let extra = EngineRequest(id: "r", promptTokenIds: [1, FakeModel.imageTokenId])
        #expect(Self.message(extra) == "The prompt has more image placeholder tokens than the 0 vision item(s) given.")
    }

    @Test func patchesMustFitTheGrid() {
        var image = TestRequests.image(pixelSeed: 1)
        image.patches.removeLast()
        let request = TestRequests.request("r", before: [1], image: image, sampling: SamplingParams())
        #expect(Self.message(request) == "An image with grid (1, 4, 4) needs 16 × 1176 patch values; got 18815.")
        var odd = TestRequests.image(pixelSeed: 1)
        odd.grid = (1, 3, 4)
        #expect(Self.message(TestRequests.request("r", before: [1], image: odd, sampling: SamplingParams()))
            == "An image grid must have t ≥ 1 and even h, w ≥ 2; got (1, 3, 4).")
    }

    @Test func tokenIdsMustBeInTheVocabulary() {
        let request = EngineRequest(id: "r", promptTokenIds: [1, 64])
        #expect(Self.message(request) == "Token id 64 at position 1 is outside the vocabulary (0..<64).")
        #expect(Self.message(EngineRequest(id: "r", promptTokenIds: [])) == "The prompt cannot be empty.")
    }

    @Test func priorityNeedsThePriorityPolicy() {
        var request = Self.text()
        request.priority = 3
        #expect(Self.message(request) == "Got priority 3 but priority scheduling is not enabled (--scheduling-policy priority).")
    }
}
