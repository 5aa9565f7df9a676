import Foundation
import VLMChat
import VLMEngine
import VLMJSON
import VLMMedia
import VLMModels
import VLMTokenizer

/// What `vlm generate` hands the engine: the chat rendered with the checkpoint's template, tokenized,
/// each `<|image_pad|>` / `<|video_pad|>` expanded to its item's token count, and the media as patches.
struct GenerationPrompt {
    let tokenIds: [Int]
    let visionItems: [VisionItem]

    /// `--prompt TEXT [--image …] [--video …]`: one user turn, images then video then text, as
    /// qwen-vl-utils writes parts (`{"type": "image", "image": …}`), which the Qwen templates recognise.
    static func userMessage(prompt: String, images: [String], video: String?) -> JSONValue {
        var parts: [JSONValue] = images.map { ["type": "image", "image": .string($0)] }
        if let video { parts.append(["type": "video", "video": .string(video)]) }
        parts.append(["type": "text", "text": .string(prompt)])
        return [["role": "user", "content": .array(parts)]]
    }

    init(messages: JSONValue, modelDirectory: String, tokenizer: Tokenizer, properties: ModelProperties) throws {
        let rendered = try ChatPromptRenderer(modelDirectory: modelDirectory).render(try ChatMessageParser.parse(messages))
        visionItems = try rendered.media.map { try Self.process($0, modelDirectory: modelDirectory) }
        var ids: [Int] = [], next = 0
        for token in tokenizer.encode(rendered.text) {
            let kind: VisionItem.Kind? = token == properties.imageTokenId ? .image : token == properties.videoTokenId ? .video : nil
            guard let kind else {
                ids.append(token)
                continue
            }
            guard next < visionItems.count, visionItems[next].kind == kind else {
                throw CommandFailure(description: "the prompt's image/video placeholders do not match its \(visionItems.count) media item(s)")
            }
            ids += Array(repeating: token, count: visionItems[next].tokenCount)
            next += 1
        }
        guard next == visionItems.count else {
            throw CommandFailure(description: "\(visionItems.count) media item(s) but the rendered prompt has \(next) placeholder(s)")
        }
        tokenIds = ids
    }

    /// Decodes and processes one image or video with the checkpoint's preprocessor_config.json and the
    /// part's own options (min/max pixels, resized size, fps).
    private static func process(_ media: MediaReference, modelDirectory: String) throws -> VisionItem {
        let bytes = try MediaSource.bytes(media.url)
        let options = media.options
        let patches: PixelPatches
        switch media.kind {
        case .image:
            let processor = try Qwen2VLImageProcessor(modelDirectory: modelDirectory)
            patches = try processor.process(encoded: bytes, options: ImageOptions(
                minPixels: options.minPixels, maxPixels: options.maxPixels,
                resizedHeight: options.resizedHeight, resizedWidth: options.resizedWidth))
        case .video:
            let processor = try Qwen2VLVideoProcessor(modelDirectory: modelDirectory)
            patches = try processor.process(.bytes(bytes), options: VideoOptions(
                fps: options.fps, nframes: options.frameCount, minFrames: options.minFrames, maxFrames: options.maxFrames,
                minPixels: options.minPixels, maxPixels: options.maxPixels, totalPixels: options.totalPixels,
                resizedHeight: options.resizedHeight, resizedWidth: options.resizedWidth))
        }
        return VisionItem(kind: media.kind == .video ? .video : .image, patches: patches.values,
                          grid: (patches.grid.t, patches.grid.h, patches.grid.w), contentHash: MediaHash.sha256Hex(bytes),
                          secondPerGrid: patches.secondPerGrid ?? 0)
    }
}

/// Local media for the CLI: a path, a `file://` URL or a base64 `data:` URL (the server fetches http).
enum MediaSource {
    static func bytes(_ reference: String) throws -> [UInt8] {
        if reference.hasPrefix("data:") {
            guard let comma = reference.firstIndex(of: ","), reference[..<comma].hasSuffix(";base64"),
                  let data = Data(base64Encoded: String(reference[reference.index(after: comma)...]))
            else { throw CommandFailure(description: "a data: URL must be base64 (data:<type>;base64,<data>)") }
            return [UInt8](data)
        }
        if reference.hasPrefix("http://") || reference.hasPrefix("https://") {
            throw CommandFailure(description: "\(reference): vlm generate reads local files and data: URLs only")
        }
        let path = reference.hasPrefix("file://") ? String(reference.dropFirst("file://".count)) : reference
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CommandFailure(description: "cannot read \(path)")
        }
        return [UInt8](data)
    }
}
