import VLMChat
import VLMEngine
import VLMJSON
import VLMMedia
import VLMTokenizer

/// The Qwen2-VL / Qwen2.5-VL frontend of a checkpoint folder: its chat template (VLMChat), tokenizer
/// (VLMTokenizer) and image/video processor (VLMMedia), with the processor settings of
/// `--mm-processor-kwargs` as defaults that a request's `mm_processor_kwargs` may override.
public struct QwenVLFrontend: ModelFrontend {
    let tokenizer: Tokenizer
    let renderer: ChatPromptRenderer
    /// The checkpoint's preprocessor_config.json with `--mm-processor-kwargs` applied.
    public let processorConfig: ProcessorConfig
    let defaultFPS: Double?
    let decodeLimits: VLMMedia.MediaLimits
    public let imagePadTokenId: Int
    public let videoPadTokenId: Int

    /// The processor keys `--mm-processor-kwargs` and a request's `mm_processor_kwargs` may set.
    public static let processorKeys: Set<String> = ["min_pixels", "max_pixels", "fps"]

    /// `processorConfig`: from `processorConfig(modelDirectory:options:)`.
    public init(modelDirectory: String, tokenizer: Tokenizer, chatTemplate: String?, processorConfig: (ProcessorConfig, fps: Double?)) throws {
        self.tokenizer = tokenizer
        renderer = try ChatPromptRenderer(modelDirectory: modelDirectory, chatTemplate: chatTemplate)
        (self.processorConfig, defaultFPS) = processorConfig
        decodeLimits = .default
        guard let image = tokenizer.tokenId(forToken: "<|image_pad|>"), let video = tokenizer.tokenId(forToken: "<|video_pad|>") else {
            throw ServeConfigurationError("The tokenizer of \(modelDirectory) has no <|image_pad|> / <|video_pad|> token: not a Qwen2-VL checkpoint.")
        }
        imagePadTokenId = image
        videoPadTokenId = video
    }

    /// The checkpoint's preprocessor_config.json with the server's processor options (`--mm-processor-kwargs`).
    public static func processorConfig(modelDirectory: String, options: JSONObject) throws -> (ProcessorConfig, fps: Double?) {
        try apply(options, to: try ProcessorConfig.load(modelDirectory: modelDirectory))
    }

    /// `{"min_pixels", "max_pixels", "fps"}` over a processor configuration; other keys are refused by name.
    static func apply(_ options: JSONObject, to config: ProcessorConfig) throws -> (ProcessorConfig, fps: Double?) {
        if let unknown = options.keys.first(where: { !processorKeys.contains($0) }) {
            throw APIError.badRequest(
                "mm_processor_kwargs: `\(unknown)` is not a processor setting of this model (use \(processorKeys.sorted().joined(separator: ", "))).")
        }
        func positive(_ key: String) throws -> Int? {
            guard let value = options[key], !value.isNull else { return nil }
            guard let number = value.intValue, number > 0 else {
                throw APIError.badRequest("mm_processor_kwargs: `\(key)` must be a positive integer, not \(value.serialized(.compact)).")
            }
            return number
        }
        var fps: Double?
        if let value = options["fps"], !value.isNull {
            guard let number = value.doubleValue, number > 0, number.isFinite else {
                throw APIError.badRequest("mm_processor_kwargs: `fps` must be a positive number, not \(value.serialized(.compact)).")
            }
            fps = number
        }
        return (try config.overriding(minPixels: try positive("min_pixels"), maxPixels: try positive("max_pixels")), fps)
    }

    public func renderChat(_ messages: [ChatMessage], options: ChatRenderOptions) throws -> String {
        try renderer.render(messages, options: options).text
    }

    /// Qwen's tokenizer adds no BOS/EOS, so `addSpecialTokens` changes nothing (as in transformers).
    public func encode(_ text: String, addSpecialTokens: Bool) throws -> [Int] {
        tokenizer.encode(text)
    }

    public func decode(_ tokenIds: [Int], skipSpecialTokens: Bool) throws -> String {
        if let bad = tokenIds.first(where: { $0 < 0 || $0 >= tokenizer.vocabularySize }) {
            throw APIError.badRequest("Token id \(bad) is out of vocabulary (0..<\(tokenizer.vocabularySize)).")
        }
        return tokenizer.decode(tokenIds, skipSpecialTokens: skipSpecialTokens)
    }

    public func preprocess(_ media: FetchedMedia, processorOptions: JSONObject, itemOptions: MediaOptions) throws -> VisionItem {
        var (config, fps) = (processorConfig, defaultFPS)
        if !processorOptions.isEmpty {
            let (requested, requestedFPS) = try Self.apply(processorOptions, to: processorConfig)
            config = requested
            fps = requestedFPS ?? fps
        }
        switch media.kind {
        case .image:
            let options = ImageOptions(
                minPixels: itemOptions.minPixels, maxPixels: itemOptions.maxPixels,
                resizedHeight: itemOptions.resizedHeight, resizedWidth: itemOptions.resizedWidth)
            let patches = try Qwen2VLImageProcessor(config: config).process(encoded: media.bytes, options: options, limits: decodeLimits)
            return VisionItem(kind: .image, patches: patches.values, grid: (patches.grid.t, patches.grid.h, patches.grid.w),
                              contentHash: MediaHash.image(encoded: media.bytes, config: config, options: options))
        case .video:
            var options = VideoOptions()
            options.fps = itemOptions.fps ?? fps
            options.nframes = itemOptions.frameCount
            options.minFrames = itemOptions.minFrames
            options.maxFrames = itemOptions.maxFrames
            options.minPixels = itemOptions.minPixels
            options.maxPixels = itemOptions.maxPixels
            options.totalPixels = itemOptions.totalPixels
            options.resizedHeight = itemOptions.resizedHeight
            options.resizedWidth = itemOptions.resizedWidth
            let patches = try Qwen2VLVideoProcessor(config: config).process(.bytes(media.bytes), options: options, limits: decodeLimits)
            return VisionItem(kind: .video, patches: patches.values, grid: (patches.grid.t, patches.grid.h, patches.grid.w),
                              contentHash: MediaHash.video(encoded: media.bytes, config: config, options: options),
                              secondPerGrid: patches.secondPerGrid ?? 0)
        }
    }

    /// Grid of the largest image the processor makes (a square at `max_pixels`), for the engine's
    /// start-up profiling.
    public static func largestImageGrid(_ processor: (ProcessorConfig, fps: Double?)) -> (t: Int, h: Int, w: Int) {
        let config = processor.0
        let side = Int(Double(config.maxPixels).squareRoot())
        let grid = (try? Qwen2VLImageProcessor(config: config).grid(width: side, height: side)) ?? GridTHW(t: 1, h: 2, w: 2)
        return (grid.t, grid.h, grid.w)
    }
}
