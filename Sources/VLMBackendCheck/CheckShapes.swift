/// The dimensions the operation checks run at.
public struct CheckShapes: Sendable {
    public var label: String
    /// Prefill rows of the text model.
    public var tokens: Int
    public var hidden: Int, heads: Int, kvHeads: Int, headDim: Int, intermediate: Int, vocabulary: Int
    public var mropeSection: [Int]
    public var ropeTheta: Float
    /// Patches of one image (4 per LLM token).
    public var patches: Int
    public var visionWidth: Int, visionHeads: Int, visionHeadDim: Int, visionMLP: Int, patchRow: Int
    /// Patches per Qwen2.5-VL attention window.
    public var windowRows: Int
    /// Paged-attention batches as (context, query rows) per sequence.
    public var prefill: [(context: Int, queries: Int)]
    public var mixed: [(context: Int, queries: Int)]
    public var decode: [(context: Int, queries: Int)]
    public var longDecode: [(context: Int, queries: Int)]
    public var blockSize: Int

    /// Qwen2-VL-7B-Instruct's text model and ViT; an image of 64 × 80 patches (1280 tokens, 896 × 1120 px);
    /// the 1,000-token prefill of the full-size check, a chunked prefill mixed with decodes, a decode batch
    /// at up to 1.3k context, and two long decodes that the split path serves.
    public static let qwen2VL7B = CheckShapes(
        label: "Qwen2-VL-7B", tokens: 512, hidden: 3584, heads: 28, kvHeads: 4, headDim: 128, intermediate: 18944, vocabulary: 152_064,
        mropeSection: [16, 24, 24], ropeTheta: 1_000_000, patches: 5120, visionWidth: 1280, visionHeads: 16, visionHeadDim: 80,
        visionMLP: 5120, patchRow: 1176, windowRows: 64,
        prefill: [(0, 1000)], mixed: [(300, 257), (1000, 1), (0, 64), (1290, 1)],
        decode: [(1300, 1), (17, 1), (640, 1), (1, 1), (999, 1), (1299, 1), (256, 1), (1024, 1)], longDecode: [(4095, 1), (8000, 1)],
        blockSize: 16)

    /// Small odd sizes: GQA groups of 3, head dims 24 and 16 (the tiny checkpoints'), rows that fill no
    /// tile evenly, block size 4.
    public static let small = CheckShapes(
        label: "small", tokens: 13, hidden: 72, heads: 6, kvHeads: 2, headDim: 24, intermediate: 56, vocabulary: 333,
        mropeSection: [4, 4, 4], ropeTheta: 10_000, patches: 45, visionWidth: 48, visionHeads: 3, visionHeadDim: 16, visionMLP: 100,
        patchRow: 30, windowRows: 8,
        prefill: [(0, 37)], mixed: [(3, 5), (0, 1), (17, 2)], decode: [(70, 1), (1, 1), (33, 1)], longDecode: [(300, 1)],
        blockSize: 4)
}
