// Default sampling values and EOS ids from a checkpoint's generation_config.json (vLLM's
// `--generation-config auto|vllm` and get_diff_sampling_param). The server starts each request from
// `sampling` and overrides the fields the request sets.

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import VLMJSON

public enum GenerationConfigMode: String, Sendable {
    /// Sampling defaults come from generation_config.json.
    case auto
    /// vLLM's own defaults; generation_config.json still gives the EOS ids.
    case vllm
}

public struct GenerationConfigError: Error, CustomStringConvertible, Equatable {
    public var message: String
    public var description: String { message }
}

public struct GenerationDefaults: Sendable, Equatable {
    public var sampling = SamplingParams()
    /// The tokenizer's EOS first, then the other ids of the file (for `EngineConfig.eosTokenIds`).
    public var eosTokenIds: [Int] = []
    /// The sampling fields the file set, in vLLM's names and file order, for the start-up log.
    public var overrides: [(name: String, value: String)] = []

    public init() {}

    public static func == (a: GenerationDefaults, b: GenerationDefaults) -> Bool {
        a.sampling == b.sampling && a.eosTokenIds == b.eosTokenIds
            && a.overrides.map(\.name) == b.overrides.map(\.name) && a.overrides.map(\.value) == b.overrides.map(\.value)
    }

    /// Reads `<directory>/generation_config.json`; a checkpoint without one gets vLLM's defaults.
    public static func load(directory: String, mode: GenerationConfigMode, tokenizerEOS: Int?) throws -> GenerationDefaults {
        let path = directory.hasSuffix("/") ? directory + "generation_config.json" : directory + "/generation_config.json"
        guard FileManager.default.fileExists(atPath: path) else {
            return GenerationDefaults(eos: [], tokenizerEOS: tokenizerEOS)
        }
        let bytes: Data
        do {
            bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw GenerationConfigError(message: "Cannot read \(path): \(error)")
        }
        return try parse(bytes, mode: mode, tokenizerEOS: tokenizerEOS, source: path)
    }

    public static func parse<Bytes: Collection>(_ bytes: Bytes, mode: GenerationConfigMode, tokenizerEOS: Int?,
                                                source: String = "generation_config.json") throws -> GenerationDefaults
        where Bytes.Element == UInt8
    {
        let json: JSONValue
        do {
            json = try JSONParser.parse(bytes)
        } catch {
            throw GenerationConfigError(message: "\(source) is not valid JSON: \(error)")
        }
        guard let object = json.objectValue else {
            throw GenerationConfigError(message: "\(source) must hold a JSON object, not \(json.typeName).")
        }
        var defaults = GenerationDefaults(eos: try eosIds(object["eos_token_id"], source: source), tokenizerEOS: tokenizerEOS)
        guard mode == .auto else { return defaults }
        for (key, value) in object where !value.isNull {
            func number() throws -> Double {
                guard let number = value.doubleValue else {
                    throw GenerationConfigError(message: "\(source): \(key) must be a number, not \(value.typeName).")
                }
                return number
            }
            func integer() throws -> Int {
                guard let integer = value.intValue else {
                    throw GenerationConfigError(message: "\(source): \(key) must be an integer, not \(value.typeName).")
                }
                return integer
            }
            switch key {
            case "temperature": defaults.sampling.temperature = try number()
            case "top_p": defaults.sampling.topP = try number()
            case "min_p": defaults.sampling.minP = try number()
            case "repetition_penalty": defaults.sampling.repetitionPenalty = try number()
            case "top_k": defaults.sampling.topK = try integer()
            case "max_new_tokens": defaults.sampling.maxTokens = try integer()
            default: continue
            }
            defaults.overrides.append((key == "max_new_tokens" ? "max_tokens" : key, value.serialized(.python)))
        }
        return defaults
    }

    private init(eos: [Int], tokenizerEOS: Int?) {
        if let tokenizerEOS {
            eosTokenIds = [tokenizerEOS] + eos.filter { $0 != tokenizerEOS }
        } else {
            eosTokenIds = eos
        }
    }

    private static func eosIds(_ value: JSONValue?, source: String) throws -> [Int] {
        guard let value, !value.isNull else { return [] }
        if let id = value.intValue { return [id] }
        if let ids = value.arrayValue?.compactMap(\.intValue), ids.count == value.arrayValue?.count { return ids }
        throw GenerationConfigError(message: "\(source): eos_token_id must be an integer or a list of integers.")
    }

    /// vLLM's start-up lines when the file changed the defaults (nil when it did not).
    public var logLines: [String]? {
        guard !overrides.isEmpty else { return nil }
        let fields = overrides.map { "'\($0.name)': \($0.value)" }.joined(separator: ", ")
        return [
            "Default sampling parameters have been overridden by the model's Hugging Face generation config recommended from the model creator. If this is not intended, please relaunch with `--generation-config vllm`.",
            "Using default sampling params from model: {\(fields)}",
        ]
    }
}
