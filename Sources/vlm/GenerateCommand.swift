import ArgumentParser
import Foundation
import VLMCompute
import VLMEngine
import VLMJSON
import VLMModels
import VLMTokenizer

/// `vlm generate`: one prompt (text with images/video, or an OpenAI `messages` file) through the engine
/// on the CPU reference backend, greedy or sampled, printing the reply or a JSON summary.
struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate", abstract: "Generate a reply to one prompt on the CPU reference backend.")

    enum Device: String, ExpressibleByArgument { case cpu, cuda }

    @Option(help: "Checkpoint folder (config.json, safetensors, tokenizer, chat template, preprocessor config).")
    var model: String
    @Option(help: "The user message.")
    var prompt: String?
    @Option(help: "An image for --prompt (repeatable): a path, file:// or data: URL.")
    var image: [String] = []
    @Option(help: "A video for --prompt: a path, file:// or data: URL.")
    var video: String?
    @Option(help: "A JSON file with an OpenAI `messages` array (instead of --prompt).")
    var messages: String?
    @Option(help: "Most tokens to generate.")
    var maxTokens = 16
    @Option(help: "Sampling temperature; 0 is greedy.")
    var temperature: Double = 0
    @Option(help: "Nucleus sampling probability mass.")
    var topP: Double = 1
    @Option(help: "Sample among the k most likely tokens; 0: all.")
    var topK = 0
    @Option(help: "Seed of the sampling generator.")
    var seed: UInt64?
    @Option(help: "cpu, or cuda (no CUDA backend yet).")
    var device: Device = .cpu
    @Flag(help: "Print {\"text\",\"token_ids\",\"prompt_tokens\",\"finish_reason\"} as JSON.")
    var json = false

    func validate() throws {
        guard (prompt == nil) != (messages == nil) else { throw ValidationError("give exactly one of --prompt and --messages") }
        guard messages == nil || (image.isEmpty && video == nil) else {
            throw ValidationError("--image and --video go with --prompt; put media in the --messages file instead")
        }
        guard maxTokens >= 1 else { throw ValidationError("--max-tokens must be at least 1") }
    }

    func run() throws {
        let output = try reply()
        guard let choice = output.choices.first else { throw CommandFailure(description: "the engine returned no output") }
        if json {
            let summary = JSONValue.object(JSONObject([
                ("text", .string(choice.text)), ("token_ids", .array(choice.tokenIds.map { .int($0) })),
                ("prompt_tokens", .int(output.promptTokens)), ("finish_reason", .string(choice.finishReason?.rawValue ?? "")),
            ]))
            print(summary.serialized())
        } else {
            print(choice.text)
        }
    }

    /// Loads the checkpoint, builds the prompt and runs it through the engine.
    func reply() throws -> GeneratedRequest {
        guard device == .cpu else {
            throw CommandFailure(description: "--device cuda: this build has no CUDA backend yet; run with --device cpu")
        }
        let executor = try LoadedModelExecutor(directory: model, backend: CPUBackend())
        let tokenizer = try Tokenizer(directory: URL(fileURLWithPath: model))
        let conversation = try prompt.map { GenerationPrompt.userMessage(prompt: $0, images: image, video: video) }
            ?? Self.readMessages(messages ?? "")
        let input = try GenerationPrompt(messages: conversation, modelDirectory: model, tokenizer: tokenizer,
                                         properties: executor.model.properties)
        return try Self.generate(input, directory: model, executor: executor, tokenizer: tokenizer, sampling: sampling())
    }

    /// vLLM's sampling parameters from the flags (the checkpoint's generation_config.json supplies only
    /// the stop tokens here).
    private func sampling() throws -> SamplingParams {
        var sampling = SamplingParams()
        sampling.temperature = temperature
        sampling.topP = topP
        sampling.topK = topK
        sampling.seed = seed
        sampling.maxTokens = maxTokens
        return sampling
    }

    /// One request through the engine, with a KV cache sized for it.
    private static func generate(_ input: GenerationPrompt, directory: String, executor: LoadedModelExecutor,
                                 tokenizer: Tokenizer, sampling: SamplingParams) throws -> GeneratedRequest
    {
        let properties = executor.model.properties
        let blockSize = 16
        let tokens = input.tokenIds.count + (sampling.maxTokens ?? 0)
        guard tokens <= properties.maxPositionEmbeddings else {
            throw CommandFailure(description: "the prompt (\(input.tokenIds.count) tokens) plus --max-tokens exceeds the model's \(properties.maxPositionEmbeddings) positions")
        }
        var config = EngineConfig(properties: properties, maxModelLen: tokens, numKVBlocks: (tokens + blockSize - 1) / blockSize)
        config.blockSize = blockSize
        config.eosTokenIds = try GenerationDefaults.load(directory: directory, mode: .vllm,
                                                         tokenizerEOS: tokenizer.eosTokenId).eosTokenIds
        let engine = try EngineCore(config: config, executor: executor, detokenizers: tokenizer)
        let request = EngineRequest(id: "generate", promptTokenIds: input.tokenIds, visionItems: input.visionItems,
                                    sampling: sampling)
        guard let output = try engine.generate([request]).first else {
            throw CommandFailure(description: "the engine returned no output")
        }
        return output
    }

    private static func readMessages(_ path: String) throws -> JSONValue {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CommandFailure(description: "cannot read --messages \(path)")
        }
        do {
            return try JSONParser.parse(data)
        } catch {
            throw CommandFailure(description: "--messages \(path): \(error)")
        }
    }
}
