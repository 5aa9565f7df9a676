/// qwen-vl-utils (0.0.14) frame sampling and per-frame pixel budget, Python arithmetic included.
enum VideoSampling {
    static let frameFactor = 2
    static let defaultFPS = 2.0
    static let minFrames = 4
    static let maxFrames = 768
    /// MODEL_SEQ_LEN (128000) · 28² · 0.9, a float in Python.
    static let defaultTotalPixels = 128_000.0 * 28 * 28 * 0.9

    /// `smart_nframes`: how many frames to sample from `totalFrames` frames at `videoFPS`.
    static func frameCount(options: VideoOptions, totalFrames: Int, videoFPS: Double) throws -> Int {
        let count: Int
        if let n = options.nframes {
            count = Int((Double(n) / Double(frameFactor)).rounded(.toNearestOrEven)) * frameFactor
        } else {
            let fps = options.fps ?? defaultFPS
            let low = Int((Double(options.minFrames ?? minFrames) / Double(frameFactor)).rounded(.up)) * frameFactor
            let high = Int((Double(options.maxFrames ?? min(maxFrames, totalFrames)) / Double(frameFactor)).rounded(.down))
                * frameFactor
            let wanted = Double(totalFrames) / videoFPS * fps
            let clamped = min(min(max(wanted, Double(low)), Double(high)), Double(totalFrames))
            count = Int((clamped / Double(frameFactor)).rounded(.down)) * frameFactor
        }
        guard count >= frameFactor, count <= totalFrames else {
            if totalFrames < frameFactor { throw MediaError.videoTooShort(frames: totalFrames) }
            throw MediaError.invalidOptions("nframes must lie in [\(frameFactor), \(totalFrames)], got \(count)")
        }
        return count
    }

    /// `torch.linspace(0, total − 1, count).round()`: float32, computed from both ends with fused
    /// multiply-adds as PyTorch's kernel does, rounded half to even.
    static func frameIndices(totalFrames: Int, count: Int) -> [Int] {
        guard count > 1 else { return [0] }
        let start: Float = 0, end = Float(totalFrames - 1)
        let step = (end - start) / Float(count - 1)
        let half = count / 2
        return (0..<count).map { i in
            let value = i < half ? start.addingProduct(step, Float(i)) : end.addingProduct(-step, Float(count - i - 1))
            return Int(value.rounded(.toNearestOrEven))
        }
    }

    /// The (min, max) pixels per frame for `frames` frames: the frame range 128..768 tokens, the
    /// total budget shared over the frames, and a request max that can only lower it.
    static func pixelRange(options: VideoOptions, frames: Int, factor: Int) -> (min: Double, max: Double) {
        let minPixels = Double(options.minPixels ?? 128 * factor * factor)
        let total = options.totalPixels.map(Double.init) ?? defaultTotalPixels
        let budget = max(min(Double(768 * factor * factor), total / Double(frames) * Double(frameFactor)), Double(Int(minPixels * 1.05)))
        return (minPixels, min(options.maxPixels.map(Double.init) ?? budget, budget))
    }
}
