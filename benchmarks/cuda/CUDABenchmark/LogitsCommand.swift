import ArgumentParser
import VLMCompute
import VLMModels

/// Teacher-forced logits of every prompt position in one step (the full-size check's Swift side): token
/// ids (int32) and one image's patches (f32, `[t·h·w, 1176]`) from files written by
/// scripts/device/fullsize_check.py; logits out as f32 `[positions, vocabulary]`.
struct LogitsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "logits", abstract: "Write the logits of every prompt position.")

    @OptionGroup var backend: BackendOption
    @Option var model: String
    @Option(help: "Little-endian int32 token ids.") var tokens: String
    @Option(help: "Little-endian f32 patch rows of the image.") var patches: String
    @Option(help: "Image grid as t,h,w (in patches).") var grid: String
    @Option(help: "Output file, little-endian f32.") var output: String

    func run() throws {
        let sides = grid.split(separator: ",").compactMap { Int($0) }
        guard sides.count == 3 else { throw ValidationError("--grid must be t,h,w") }
        let visionGrid = VisionGrid(t: sides[0], h: sides[1], w: sides[2])
        let device = try backend.makeBackend()
        let loaded = try ModelRegistry.load(directory: model, backend: device)
        let ids = try BinaryFile.int32s(tokens)
        let positions = try loaded.mropePositions(promptTokenIds: ids.map(Int.init), items: [VisionPlacement(grid: visionGrid, isVideo: false)])
        let embeddings = try loaded.encodeVision(patches: try BinaryFile.floats(patches), grid: visionGrid)
        guard let first = ids.firstIndex(of: Int32(loaded.properties.imageTokenId)) else { throw ValidationError("no image placeholder in the tokens") }
        let blockSize = 16, blocks = (ids.count + blockSize - 1) / blockSize
        let cache = try loaded.makeKVCache(blockCount: blocks, blockSize: blockSize)
        let step = ForwardStep(
            tokenIds: ids, positions: positions.positions,
            sequences: [StepSequence(queryStart: 0, queryLength: ids.count, contextLength: 0, blockTable: (0 ..< blocks).map { Int32($0) })],
            slotMapping: (0 ..< ids.count).map { Int32($0) },
            visionSpans: [VisionSpan(embeddings: embeddings, sourceRow: 0, batchIndex: first, count: embeddings.rowCount)],
            logitRows: Array(0 ..< ids.count))
        let logits = try loaded.forward(step, cache: cache)
        try BinaryFile.write(logits.values, to: output)
        print(json(["positions": logits.rowCount, "vocabulary": logits.vocabularySize, "output": output]))
    }
}
