#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import ModelFixtureFiles
import VLMCompute
import VLMEngine
import VLMJSON
import VLMModels
import VLMTokenizer

/// The tiny checkpoints and goldens (ModelFixtureFiles) as engine requests and engines.
enum ModelFixtures {
    typealias Missing = ModelFixtureFiles.Missing

    /// A golden case as an engine request: prompt, vision items, and transformers' 32 greedy tokens.
    struct Case {
        var name: String
        var promptTokenIds: [Int]
        var items: [VisionItem]
        var greedy: [Int]

        func request(_ id: String? = nil, sampling: SamplingParams? = nil) -> EngineRequest {
            var greedySampling = SamplingParams()
            greedySampling.temperature = 0
            greedySampling.ignoreEOS = true
            greedySampling.maxTokens = greedy.count
            return EngineRequest(id: id ?? name, promptTokenIds: promptTokenIds, visionItems: items,
                                 sampling: sampling ?? greedySampling)
        }
    }

    static let modelNames = ModelFixtureFiles.modelNames

    static func directory(_ model: String) throws -> String { try ModelFixtureFiles.modelDirectory(model) }

    static func load(_ model: String) throws -> VisionLanguageModel {
        try ModelRegistry.load(directory: try directory(model), backend: CPUBackend())
    }

    /// The real Qwen2-VL tokenizer files, copied into the model folder by the model fixtures.
    static func tokenizer(_ model: String) throws -> Tokenizer {
        try Tokenizer(directory: URL(fileURLWithPath: try ModelFixtureFiles.existing(try directory(model) + "/tokenizer.json"))
            .deletingLastPathComponent())
    }

    static func cases(_ model: String) throws -> [Case] {
        try (try ModelFixtureFiles.golden(model)["cases"]?.arrayValue ?? []).map { entry in
            let items = try (entry["items"]?.arrayValue ?? []).map { item -> VisionItem in
                let grid = item["grid"]?.arrayValue?.compactMap(\.intValue) ?? []
                guard grid.count == 3, let media = item["media"]?.stringValue else { throw Missing(path: "\(model) golden: item grid/media") }
                return VisionItem(kind: item["kind"]?.stringValue == "video" ? .video : .image, patches: try ModelFixtureFiles.patches(media),
                                  grid: (grid[0], grid[1], grid[2]), contentHash: media,
                                  secondPerGrid: item["second_per_grid"]?.doubleValue ?? 0)
            }
            return Case(name: entry["name"]?.stringValue ?? "", promptTokenIds: entry["prompt_ids"]?.arrayValue?.compactMap(\.intValue) ?? [],
                        items: items, greedy: entry["greedy"]?.arrayValue?.compactMap(\.intValue) ?? [])
        }
    }

    static func engine(_ model: VisionLanguageModel, maxModelLen: Int = 256, numBlocks: Int = 64,
                       maxNumBatchedTokens: Int = 64, prefixCaching: Bool = true,
                       detokenizers: (any IncrementalDetokenizerFactory)? = nil) throws -> EngineCore<LoadedModelExecutor>
    {
        var config = EngineConfig(properties: model.properties, maxModelLen: maxModelLen, numKVBlocks: numBlocks)
        config.maxNumBatchedTokens = maxNumBatchedTokens
        config.enablePrefixCaching = prefixCaching
        return try EngineCore(config: config, executor: LoadedModelExecutor(model: model, weightBytes: 0),
                              detokenizers: detokenizers)
    }
}
