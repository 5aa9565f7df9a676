import ArgumentParser
import VLMJSON
import VLMMedia

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// `vlm preprocess`: runs the Qwen2-VL image or video processor on one input and prints
/// `{"grid_thw":[t,h,w],"tokens":N,"shape":[rows,1176]}`; `--dump` writes the patches as
/// little-endian Float32, row-major. Only preprocessor_config.json is read from the model folder.
struct PreprocessCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "preprocess", abstract: "Turn an image or video into Qwen2-VL pixel patches.")

    @Option(help: "Checkpoint folder holding preprocessor_config.json.")
    var model: String

    @Option(help: "An image file (JPEG, PNG, WebP, GIF, BMP).")
    var image: String?

    @Option(help: "A video file.")
    var video: String?

    @Option(parsing: .upToNextOption, help: "Image files forming one video, in order.")
    var frames: [String] = []

    @Option(help: "Images: the processor's min_pixels (as --mm-processor-kwargs); videos: the element's min_pixels.")
    var minPixels: Int?

    @Option(help: "Images: the processor's max_pixels (as --mm-processor-kwargs); videos: the element's max_pixels.")
    var maxPixels: Int?

    @Option(help: "Requested height (qwen-vl-utils resized_height); needs --resized-width.")
    var resizedHeight: Int?

    @Option(help: "Requested width (qwen-vl-utils resized_width); needs --resized-height.")
    var resizedWidth: Int?

    @Option(help: "Video sampling rate in frames per second (default 2).")
    var fps: Double?

    @Option(help: "Write the patches to this file as little-endian Float32, row-major.")
    var dump: String?

    func validate() throws {
        let inputs = [image != nil, video != nil, !frames.isEmpty].filter { $0 }.count
        guard inputs == 1 else { throw ValidationError("give exactly one of --image, --video or --frames") }
        guard (resizedHeight == nil) == (resizedWidth == nil) else {
            throw ValidationError("--resized-height and --resized-width go together")
        }
        if fps != nil && image != nil { throw ValidationError("--fps applies to --video and --frames only") }
    }

    func run() throws {
        let patches = try process()
        let shape: JSONValue = [.int(patches.rows), .int(patches.rowLength)]
        let grid: JSONValue = [.int(patches.grid.t), .int(patches.grid.h), .int(patches.grid.w)]
        let line: JSONValue = .object(JSONObject([("grid_thw", grid), ("tokens", .int(patches.tokenCount)), ("shape", shape)]))
        print(line.serialized(.compact))
        if let dump {
            // Float32 is little-endian on every platform Swift on Linux runs on.
            let data = patches.values.withUnsafeBufferPointer { Data(buffer: $0) }
            guard FileManager.default.createFile(atPath: dump, contents: data) else {
                throw PreprocessFailure(description: "cannot write \(dump)")
            }
        }
    }

    private func process() throws -> PixelPatches {
        if let image {
            let processor = try Qwen2VLImageProcessor(modelDirectory: model, minPixels: minPixels, maxPixels: maxPixels)
            let options = ImageOptions(resizedHeight: resizedHeight, resizedWidth: resizedWidth)
            return try processor.process(encoded: try read(image), options: options)
        }
        let processor = try Qwen2VLVideoProcessor(modelDirectory: model)
        let options = VideoOptions(
            fps: fps, minPixels: minPixels, maxPixels: maxPixels, resizedHeight: resizedHeight, resizedWidth: resizedWidth)
        if let video {
            guard FileManager.default.isReadableFile(atPath: video) else {
                throw PreprocessFailure(description: "cannot read \(video)")
            }
            return try processor.process(.file(video), options: options)
        }
        return try processor.process(encodedFrames: try frames.map(read), options: options)
    }

    private func read(_ path: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw PreprocessFailure(description: "cannot read \(path)")
        }
        return [UInt8](data)
    }
}

/// A failure after the arguments were accepted; printed as "Error: <description>".
private struct PreprocessFailure: Error, CustomStringConvertible {
    let description: String
}
