import Testing
import VLMJSON

@testable import VLMMedia

/// preprocessor_config.json is read as transformers 5.24 reads it.
struct ProcessorConfigTests {
    @Test func oldKeysAreRead() throws {
        let config = try ProcessorConfig(json: try JSONParser.parse(#"{"min_pixels": 3136, "max_pixels": 12845056}"#))
        #expect(config.minPixels == 3136)
        #expect(config.maxPixels == 12_845_056)
    }

    @Test func sizeKeysAreRead() throws {
        let json = try JSONParser.parse(#"{"size": {"shortest_edge": 100352, "longest_edge": 1003520}}"#)
        let config = try ProcessorConfig(json: json)
        #expect(config.minPixels == 100_352)
        #expect(config.maxPixels == 1_003_520)
    }

    @Test func oldKeysWinOverSize() throws {
        let json = try JSONParser.parse(#"{"size": {"shortest_edge": 1, "longest_edge": 2}, "min_pixels": 3136, "max_pixels": 6272}"#)
        let config = try ProcessorConfig(json: json)
        #expect(config.minPixels == 3136)
        #expect(config.maxPixels == 6272)
    }

    @Test func missingKeysTakeTransformersDefaults() throws {
        let config = try ProcessorConfig(json: try JSONParser.parse("{}"))
        #expect(config == ProcessorConfig(minPixels: 3136, maxPixels: 1_003_520))
        #expect(config.rowLength == 1176)
        #expect(config.factor == 28)
    }

    @Test func otherResamplingFiltersAreRefused() throws {
        #expect(throws: MediaError.invalidProcessorConfig("resample must be 3 (PIL bicubic); other filters are not supported")) {
            try ProcessorConfig(json: try JSONParser.parse(#"{"resample": 2}"#))
        }
    }

    @Test func badValuesNameTheKey() throws {
        #expect(throws: MediaError.invalidProcessorConfig("patch_size must be a positive integer")) {
            try ProcessorConfig(json: try JSONParser.parse(#"{"patch_size": "14"}"#))
        }
        #expect(throws: MediaError.invalidProcessorConfig("image_mean must be a number or a list of 3 numbers")) {
            try ProcessorConfig(json: try JSONParser.parse(#"{"image_mean": [0.5, 0.5]}"#))
        }
    }

    @Test func missingFileSaysWhatIsNeeded() throws {
        #expect(throws: MediaError.invalidProcessorConfig(
            "cannot read /nonexistent/preprocessor_config.json: the model folder needs a preprocessor_config.json")) {
            try ProcessorConfig.load(modelDirectory: "/nonexistent")
        }
    }

    @Test func disabledNormalisationKeepsRescaledValues() throws {
        var config = ProcessorConfig()
        config.doNormalize = false
        let image = try RGBImage(width: 56, height: 56, pixels: [UInt8](repeating: 255, count: 56 * 56 * 3))
        let patches = try Qwen2VLImageProcessor(config: config).process(image, options: ImageOptions())
        #expect(patches.grid == GridTHW(t: 1, h: 4, w: 4))
        #expect(patches.values.allSatisfy { $0 == Float(255.0 * (1.0 / 255.0)) })
    }
}
