#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import VLMCompute
import VLMEngine
import VLMJSON
import VLMModels
import VLMTokenizer

/// The model area's tiny checkpoints (.fixtures/model, from scripts/fixtures/model/make.sh) and their
/// transformers goldens. A missing fixture throws, so the tests fail rather than skip.
enum ModelFixtures {
    struct Missing: Error, CustomStringConvertible {
        let path: String
        var description: String { "missing fixture \(path): run scripts/fixtures/generate.sh" }
    }

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

    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path
    static let modelNames = ["qwen2-vl-tiny", "qwen2.5-vl-tiny"]

    static func existing(_ path: String) throws -> String {
        guard FileManager.default.fileExists(atPath: path) else { throw Missing(path: path) }
        return path
    }

    static func directory(_ model: String) throws -> String {
        try existing(packageRoot + "/.fixtures/model/" + model)
    }

    static func load(_ model: String) throws -> VisionLanguageModel {
        try ModelRegistry.load(directory: try directory(model), backend: CPUBackend())
    }

    /// The real Qwen2-VL tokenizer files, copied into the model folder by the model fixtures.
    static func tokenizer(_ model: String) throws -> Tokenizer {
        try Tokenizer(directory: URL(fileURLWithPath: try existing(try directory(model) + "/tokenizer.json")).deletingLastPathComponent())
    }

    static func cases(_ model: String) throws -> [Case] {
        let path = try existing(packageRoot + "/scripts/fixtures/model/golden/\(model).json")
        let golden = try JSONParser.parse(try Data(contentsOf: URL(fileURLWithPath: path)))
        return try (golden["cases"]?.arrayValue ?? []).map { entry in
            let items = try (entry["items"]?.arrayValue ?? []).map { item -> VisionItem in
                let grid = item["grid"]?.arrayValue?.compactMap(\.intValue) ?? []
                guard grid.count == 3, let media = item["media"]?.stringValue else { throw Missing(path: "\(path): item grid/media") }
                return VisionItem(kind: item["kind"]?.stringValue == "video" ? .video : .image, patches: try patches(media),
                                  grid: (grid[0], grid[1], grid[2]), contentHash: media,
                                  secondPerGrid: item["second_per_grid"]?.doubleValue ?? 0)
            }
            return Case(name: entry["name"]?.stringValue ?? "", promptTokenIds: entry["prompt_ids"]?.arrayValue?.compactMap(\.intValue) ?? [],
                        items: items, greedy: entry["greedy"]?.arrayValue?.compactMap(\.intValue) ?? [])
        }
    }

    /// Little-endian float32 patch rows written by scripts/fixtures/model/cases.py.
    static func patches(_ media: String) throws -> [Float] {
        let data = try Data(contentsOf: URL(fileURLWithPath: try existing(packageRoot + "/.fixtures/model/inputs/\(media).f32")))
        return data.withUnsafeBytes { raw in
            (0 ..< data.count / 4).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self))) }
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
