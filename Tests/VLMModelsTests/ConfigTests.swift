import Testing
import VLMJSON
@testable import VLMModels

/// Every config.json layout of facts §1 decodes to the same settings; trap fields are never defaulted.
@Suite struct ConfigTests {
    private func lookup(_ text: String) throws -> ConfigLookup {
        ConfigLookup(file: "config.json", root: try JSONParser.parse(text))
    }

    private let expectedText = Qwen2TextConfig(
        numAttentionHeads: 12, numHiddenLayers: 28, headDim: nil, rmsNormEps: 1e-6, ropeTheta: 1_000_000,
        mropeSection: [16, 24, 24], tieWordEmbeddings: true, maxPositionEmbeddings: 32768)

    @Test func flatOriginalLayoutWithMropeRopeScaling() throws {
        let config = try Qwen2TextConfig(try lookup("""
            {"model_type": "qwen2_vl", "num_attention_heads": 12, "num_hidden_layers": 28, "rms_norm_eps": 1e-06,
             "rope_theta": 1000000.0, "tie_word_embeddings": true, "max_position_embeddings": 32768,
             "rope_scaling": {"type": "mrope", "mrope_section": [16, 24, 24]}}
            """))
        #expect(config == expectedText)
    }

    @Test func nestedTextConfigWithRopeTypeDefaultAndTieInside() throws {
        let config = try Qwen2TextConfig(try lookup("""
            {"model_type": "qwen2_vl", "text_config": {"num_attention_heads": 12, "num_hidden_layers": 28,
             "rms_norm_eps": 1e-06, "rope_theta": 1000000.0, "tie_word_embeddings": true,
             "rope_scaling": {"type": "default", "rope_type": "default", "mrope_section": [16, 24, 24]}}}
            """))
        #expect(config == expectedText)
    }

    @Test func transformersV5RopeParameters() throws {
        let config = try Qwen2TextConfig(try lookup("""
            {"model_type": "qwen2_5_vl", "tie_word_embeddings": true, "text_config": {"num_attention_heads": 12,
             "num_hidden_layers": 28, "rms_norm_eps": 1e-06, "max_position_embeddings": 32768,
             "rope_parameters": {"mrope_section": [16, 24, 24], "rope_theta": 1000000.0, "rope_type": "default"}}}
            """))
        #expect(config == expectedText)
    }

    @Test func scaledRopeTypesAreRejected() throws {
        #expect(throws: ModelConfigError.invalidValue(file: "config.json", key: "rope_type",
                                                      reason: "is \"yarn\"; only the default M-RoPE is supported")) {
            try Qwen2TextConfig(try lookup("""
                {"num_attention_heads": 12, "num_hidden_layers": 28, "rms_norm_eps": 1e-06,
                 "rope_scaling": {"rope_type": "yarn", "mrope_section": [16, 24, 24]}}
                """))
        }
    }

    @Test func missingMropeSectionIsAnError() throws {
        #expect(throws: ModelConfigError.missingField(file: "config.json", key: "text_config.rope_scaling.mrope_section",
                                                      hint: "M-RoPE needs rope_scaling.mrope_section (e.g. [16, 24, 24])")) {
            try Qwen2TextConfig(try lookup(#"{"num_attention_heads": 12, "num_hidden_layers": 28, "rms_norm_eps": 1e-06}"#))
        }
    }

    @Test func minimalQwen2VLVisionConfigTakesTheRealDefaults() throws {
        let vision = try Qwen2VLVisionConfig(try lookup(#"{"vision_config": {"in_chans": 3, "model_type": "qwen2_vl", "spatial_patch_size": 14}}"#))
        #expect(vision == Qwen2VLVisionConfig(depth: 32, numHeads: 16, patchSize: 14, temporalPatchSize: 2, spatialMergeSize: 2,
                                              inChannels: 3, ropeTheta: 10000))
    }

    @Test func minimalQwen25VLVisionConfigReadsTokensPerSecond() throws {
        let vision = try Qwen25VLVisionConfig(try lookup("""
            {"vision_config": {"hidden_size": 1280, "in_chans": 3, "intermediate_size": 3456, "out_hidden_size": 8192,
             "spatial_patch_size": 14, "tokens_per_second": 2}}
            """))
        #expect(vision.tokensPerSecond == 2)
        #expect(vision.windowTokens == 4)
        #expect(vision.fullAttentionBlocks == [7, 15, 23, 31])
    }

    @Test func missingTokensPerSecondIsNotGuessed() throws {
        #expect(throws: ModelConfigError.missingField(file: "config.json", key: "vision_config.tokens_per_second",
                                                      hint: "Qwen2.5-VL checkpoints set vision_config.tokens_per_second (2)")) {
            try Qwen25VLVisionConfig(try lookup(#"{"vision_config": {"hidden_size": 1280, "out_hidden_size": 8192}}"#))
        }
    }

    @Test func generationConfigStopTokensWinOverConfig() throws {
        let tokens = try VisionTokenConfig(try lookup(#"{"eos_token_id": 151645}"#),
                                           generation: try lookup(#"{"eos_token_id": [151645, 151643]}"#))
        #expect(tokens.eosTokenIds == [151645, 151643])
        #expect(tokens.imageTokenId == 151655)
    }

    @Test func wrongTypeNamesTheKey() throws {
        #expect(throws: ModelConfigError.wrongType(file: "config.json", key: "text_config.num_attention_heads", expected: "an integer")) {
            try Qwen2TextConfig(try lookup(#"{"text_config": {"num_attention_heads": "12"}}"#))
        }
    }
}
