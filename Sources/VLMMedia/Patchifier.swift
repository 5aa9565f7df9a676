/// Rescale, normalise and flatten resized 8-bit frames into Qwen2-VL patch rows in one pass.
/// Each byte value maps through a per-channel table holding exactly what transformers computes:
/// `float32(float64(v) · rescale_factor)`, then `(x − mean) / std` in float32.
struct Patchifier {
    let config: ProcessorConfig
    private let table: [Float]

    init(config: ProcessorConfig) {
        self.config = config
        var table = [Float](repeating: 0, count: 3 * 256)
        for c in 0..<3 {
            let mean = Float(config.imageMean[c]), std = Float(config.imageStd[c])
            for v in 0..<256 {
                var x = config.doRescale ? Float(Double(v) * config.rescaleFactor) : Float(v)
                if config.doNormalize { x = (x - mean) / std }
                table[256 * c + v] = x
            }
        }
        self.table = table
    }

    /// Patches for `frames` (equal sizes, multiples of the factor). A frame count that is not a
    /// multiple of the temporal patch is padded by repeating the last frame, as transformers does
    /// (a single image fills every temporal slot).
    func patches(frames: [RGBImage], secondPerGrid: Double? = nil) -> PixelPatches {
        let tps = config.temporalPatchSize, p = config.patchSize
        let width = frames[0].width, height = frames[0].height
        let grid = GridTHW(t: (frames.count + tps - 1) / tps, h: height / p, w: width / p)
        let count = grid.patchCount * config.rowLength
        let values = [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            if let out = buffer.baseAddress {
                for (index, frame) in frames.enumerated() {
                    // The last frame also fills the padding slots after it.
                    let slots = index == frames.count - 1 ? Array(index..<grid.t * tps) : [index]
                    frame.pixels.withUnsafeBufferPointer { pixels in
                        guard let base = pixels.baseAddress else { return }
                        ParallelRows.run(count: height) { rows in
                            write(base, width: width, grid: grid, slots: slots, rows: rows, into: out)
                        }
                    }
                }
            }
            initialized = count
        }
        return PixelPatches(
            grid: grid, values: values, rowLength: config.rowLength, mergeSize: config.mergeSize,
            secondPerGrid: secondPerGrid)
    }

    /// Writes image rows `rows` of a frame to its places in the patch matrix, once per temporal
    /// slot in `slots` (slot s is frame group s / tps, position s % tps).
    func write(
        _ pixels: UnsafePointer<UInt8>, width: Int, grid: GridTHW, slots: [Int], rows: Range<Int>,
        into out: UnsafeMutablePointer<Float>
    ) {
        let p = config.patchSize, m = config.mergeSize, tps = config.temporalPatchSize
        let rowLength = config.rowLength, channelStride = tps * p * p
        let blocksPerRow = grid.w / m
        let offsets = slots.map { slot in (slot / tps) * grid.h * grid.w * rowLength + (slot % tps) * p * p }
        table.withUnsafeBufferPointer { lut in
            guard let lut = lut.baseAddress else { return }
            for y in rows {
                let (patchRow, py) = y.quotientAndRemainder(dividingBy: p)
                let (bh, mh) = patchRow.quotientAndRemainder(dividingBy: m)
                let src = pixels + 3 * width * y
                for column in 0..<grid.w {
                    let (bw, mw) = column.quotientAndRemainder(dividingBy: m)
                    let r = ((bh * blocksPerRow + bw) * m + mh) * m + mw
                    let dst = out + r * rowLength + py * p + offsets[0]
                    let px0 = src + 3 * p * column
                    for c in 0..<3 {
                        let channel = lut + 256 * c
                        let d = dst + c * channelStride
                        for px in 0..<p { d[px] = channel[Int(px0[3 * px + c])] }
                        for offset in offsets.dropFirst() { (d + offset - offsets[0]).update(from: d, count: p) }
                    }
                }
            }
        }
    }
}
