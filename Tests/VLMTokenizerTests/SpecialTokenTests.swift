import Testing
import VLMTokenizer

/// Special and added tokens, and what tokenizer_config.json contributes.
@Suite struct SpecialTokenTests {
    @Test func chatMarkersAreSingleTokens() throws {
        let tokenizer = try Fixtures.tokenizer("qwen2-vl")
        #expect(tokenizer.encode("<|im_start|>user\nhi<|im_end|>") == [151644, 872, 198, 6023, 151645])
    }

    @Test func specialTokensAreDroppedOnlyWhenAsked() throws {
        let tokenizer = try Fixtures.tokenizer("qwen2-vl")
        let ids = [151644, 872, 198, 6023, 151645]
        #expect(tokenizer.decode(ids) == "<|im_start|>user\nhi<|im_end|>")
        #expect(tokenizer.decode(ids, skipSpecialTokens: true) == "user\nhi")
    }

    @Test func qwen25ToolCallTokensAreAddedButNotSpecial() throws {
        let tokenizer = try Fixtures.tokenizer("qwen2.5-vl")
        #expect(tokenizer.encode("<tool_call>x</tool_call>") == [151657, 87, 151658])
        #expect(!tokenizer.isSpecialToken(151657))
        #expect(tokenizer.decode([151657, 151645], skipSpecialTokens: true) == "<tool_call>")
    }

    @Test func configNamesEndOfSequenceAndPadding() throws {
        let tokenizer = try Fixtures.tokenizer("qwen2-vl")
        #expect(tokenizer.eosTokenId == 151645)
        #expect(tokenizer.padTokenId == 151643)
        #expect(tokenizer.bosTokenId == nil)
        #expect(tokenizer.config.modelMaxLength == 32768)
    }

    @Test func lookupsGoBothWays() throws {
        let tokenizer = try Fixtures.tokenizer("qwen2-vl")
        #expect(tokenizer.vocabularySize == 151657)
        #expect(try Fixtures.tokenizer("qwen2.5-vl").vocabularySize == 151665)
        #expect(tokenizer.tokenId(forToken: "<|image_pad|>") == 151655)
        #expect(tokenizer.tokenId(forToken: "Ġworld") == 1879)
        #expect(tokenizer.token(forId: 9707) == "Hello")
        #expect(tokenizer.token(forId: 151657) == nil)
    }
}
