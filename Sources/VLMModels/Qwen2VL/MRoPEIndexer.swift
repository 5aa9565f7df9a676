/// M-RoPE position ids of a prompt (transformers' original `get_rope_index`, as vLLM computes it):
/// text tokens count up on all three axes; the tokens of an image or video get
/// (start + t-index, start + row, start + column) over its merged grid; the text after a vision block
/// continues at 1 + the largest id so far ("max + 1"). Decode continues at `cacheIndex + ropeDelta`.
public struct MRoPEIndexer: Sendable {
    public var imageTokenId: Int
    public var videoTokenId: Int
    public var spatialMergeSize: Int
    /// Qwen2.5-VL: video temporal ids are `trunc(t · secondPerGrid · tokensPerSecond)`; nil (Qwen2-VL): `t`.
    public var tokensPerSecond: Int?

    public init(imageTokenId: Int, videoTokenId: Int, spatialMergeSize: Int, tokensPerSecond: Int?) {
        self.imageTokenId = imageTokenId
        self.videoTokenId = videoTokenId
        self.spatialMergeSize = spatialMergeSize
        self.tokensPerSecond = tokensPerSecond
    }

    /// `tokens` has every placeholder expanded (`t·h·w / merge²` pads per item); `items` in prompt order.
    public func positions(tokens: [Int], items: [VisionPlacement]) throws -> MRoPEPositions {
        let count = tokens.count
        var t = [Int32](repeating: 0, count: count), h = t, w = t
        var next = 0 // id of the next text token: 1 + the largest id so far
        var itemIndex = 0
        var i = 0
        while i < count {
            let token = tokens[i]
            guard token == imageTokenId || token == videoTokenId else {
                (t[i], h[i], w[i]) = (Int32(next), Int32(next), Int32(next))
                next += 1
                i += 1
                continue
            }
            guard itemIndex < items.count else {
                throw ModelInputError.placeholderMismatch("placeholder at token \(i) but only \(items.count) image/video item(s) given")
            }
            let item = items[itemIndex]
            let kind = item.isVideo ? "video" : "image"
            guard token == (item.isVideo ? videoTokenId : imageTokenId) else {
                throw ModelInputError.placeholderMismatch("item \(itemIndex) is a \(kind) but token \(i) is the other kind's placeholder")
            }
            try item.grid.validate(mergeSize: spatialMergeSize)
            let (gt, gh, gw) = (item.grid.t, item.grid.h / spatialMergeSize, item.grid.w / spatialMergeSize)
            let length = gt * gh * gw
            guard i + length <= count, tokens[i ..< i + length].allSatisfy({ $0 == token }) else {
                throw ModelInputError.placeholderMismatch("\(kind) \(itemIndex) (grid \(item.grid.t)×\(item.grid.h)×\(item.grid.w)) needs \(length) consecutive placeholders at token \(i)")
            }
            let start = next
            var largest = start
            for tt in 0 ..< gt {
                let temporal = start + temporalIndex(tt, item: item)
                for hh in 0 ..< gh {
                    for ww in 0 ..< gw {
                        (t[i], h[i], w[i]) = (Int32(temporal), Int32(start + hh), Int32(start + ww))
                        largest = max(largest, temporal, start + hh, start + ww)
                        i += 1
                    }
                }
            }
            next = largest + 1
            itemIndex += 1
        }
        guard itemIndex == items.count else {
            throw ModelInputError.placeholderMismatch("\(items.count) image/video item(s) given but the prompt has placeholders for \(itemIndex)")
        }
        return MRoPEPositions(positions: t + h + w, ropeDelta: next - count)
    }

    /// Temporal id offset of temporal group `tt` (images have a single group). Float32 arithmetic and truncation as transformers
    /// (`(arange(t) * (tokens_per_second * second_per_grid)).long()` on float32 tensors) and vLLM.
    private func temporalIndex(_ tt: Int, item: VisionPlacement) -> Int {
        guard let tokensPerSecond else { return tt }
        guard item.isVideo else { return 0 } // Qwen2.5-VL images: second_per_grid 0
        let interval = Float(tokensPerSecond) * Float(item.secondPerGrid)
        return Int((Float(tt) * interval).rounded(.towardZero))
    }
}
