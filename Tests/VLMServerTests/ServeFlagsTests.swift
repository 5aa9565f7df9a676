import Testing
import VLMJSON
@testable import VLMServer

@Suite struct ServeFlagsTests {
    @Test(arguments: [("8192", 8192), ("8k", 8000), ("8K", 8192), ("25.6k", 25600), ("1m", 1_000_000), ("2M", 2 << 20), (" 64 ", 64)])
    func humanReadableIntegers(text: String, value: Int) throws {
        #expect(try ServeFlags.humanInt(text, flag: "--max-model-len") == value)
    }

    @Test(arguments: ["", "k", "8x", "1.5K", "-3", "1.2.3", "99999999999T"])
    func malformedIntegersAreRefused(text: String) {
        #expect(throws: ServeConfigurationError.self) { try ServeFlags.humanInt(text, flag: "--max-model-len") }
    }

    @Test func maxModelLenAutoMeansTheCheckpoints() throws {
        #expect(try ServeFlags.maxModelLen("auto") == nil)
        #expect(try ServeFlags.maxModelLen("-1") == nil)
        #expect(try ServeFlags.maxModelLen("32k") == 32000)
    }

    @Test func mediaLimitsInBothSyntaxes() throws {
        #expect(try ServeFlags.mediaLimits("image=4,video=0") == PromptMediaLimits(image: 4, video: 0))
        #expect(try ServeFlags.mediaLimits(#"{"image": 2, "video": {"count": 1}}"#) == PromptMediaLimits(image: 2, video: 1))
        #expect(try ServeFlags.mediaLimits("image=3") == PromptMediaLimits(image: 3, video: 999))
    }

    @Test func mediaLimitsNameWhatIsWrong() {
        #expect(throws: ServeConfigurationError("--limit-mm-per-prompt: Qwen2-VL takes images and videos, not \"audio\".")) {
            try ServeFlags.mediaLimits("audio=1")
        }
        #expect(throws: ServeConfigurationError("--limit-mm-per-prompt: the limit for \"image\" must be a non-negative integer.")) {
            try ServeFlags.mediaLimits("image=many")
        }
        #expect(throws: ServeConfigurationError.self) { try ServeFlags.mediaLimits("=") }
    }

    @Test func jsonFlags() throws {
        #expect(try ServeFlags.jsonObject(#"{"max_pixels": 1003520}"#, flag: "--mm-processor-kwargs") == JSONObject([("max_pixels", .int(1003520))]))
        #expect(try ServeFlags.jsonStringList(#"["https://a.example"]"#, flag: "--allowed-origins") == ["https://a.example"])
        #expect(throws: ServeConfigurationError("--allowed-origins must be a JSON list of strings, like '[\"*\"]'.")) {
            try ServeFlags.jsonStringList("[1]", flag: "--allowed-origins")
        }
    }

    @Test func apiKeysFromFlagsThenEnvironment() {
        #expect(ServeFlags.apiKeys(flags: ["a", "b"], environment: ["VLM_API_KEY": "c"]) == ["a", "b"])
        #expect(ServeFlags.apiKeys(flags: [], environment: ["VLM_API_KEY": "c", "VLLM_API_KEY": "d"]) == ["c"])
        #expect(ServeFlags.apiKeys(flags: [], environment: ["VLLM_API_KEY": "d"]) == ["d"])
        #expect(ServeFlags.apiKeys(flags: [], environment: [:]) == [])
    }
}
