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

    /// Rows of the resized image that make one row of 2×2 merge blocks (28).
    var bandRows: Int { config.patchSize * config.mergeSize }

    /// Patches for `frames` (equal sizes, multiples of the factor). A frame count that is not a
    /// multiple of the temporal patch is padded by repeating the last frame, as transformers does
    /// (a single image fills every temporal slot).
    func patches(frames: [RGBImage], secondPerGrid: Double? = nil) -> PixelPatches {
        let grid = self.grid(width: frames[0].width, height: frames[0].height, frames: frames.count)
        let values: [Float] = LargeBuffer.array(count: grid.patchCount * config.rowLength) { out in
            for (index, frame) in frames.enumerated() {
                let layout = Layout(self, grid: grid, frame: index, frames: frames.count)
                frame.pixels.withUnsafeBufferPointer { pixels in
                    guard let base = pixels.baseAddress else { return }
                    ParallelRows.run(count: frame.height / bandRows, minimumChunk: 1) { bands in
                        for band in bands {
                            writeBand(base + 3 * frame.width * bandRows * band, index: band, layout, into: out)
                        }
                    }
                }
            }
        }
        return PixelPatches(
            grid: grid, values: values, rowLength: config.rowLength, mergeSize: config.mergeSize,
            secondPerGrid: secondPerGrid)
    }

    func grid(width: Int, height: Int, frames: Int) -> GridTHW {
        let tps = config.temporalPatchSize
        return GridTHW(t: (frames + tps - 1) / tps, h: height / config.patchSize, w: width / config.patchSize)
    }

    /// Where one frame goes: the temporal slots it fills (the last frame also fills the padding
    /// slots after it), as offsets into the patch matrix.
    struct Layout {
        let grid: GridTHW
        let firstSlot: Int
        /// Extra slots as distances from the first one (a single image fills both temporal slots).
        let copies: [Int]

        init(_ patchifier: Patchifier, grid: GridTHW, frame: Int, frames: Int) {
            let c = patchifier.config
            let slots = frame == frames - 1 ? Array(frame..<grid.t * c.temporalPatchSize) : [frame]
            let offsets = slots.map { slot in
                (slot / c.temporalPatchSize) * grid.h * grid.w * c.rowLength + (slot % c.temporalPatchSize) * c.patchSize * c.patchSize
            }
            self.grid = grid
            firstSlot = offsets[0]
            copies = offsets.dropFirst().map { $0 - offsets[0] }
        }
    }

    /// Writes one band (`bandRows` image rows, 3 bytes per pixel, `grid.w · patch` wide) of a
    /// frame: every patch row of merge-block row `index`, each written front to back.
    func writeBand(_ band: UnsafePointer<UInt8>, index: Int, _ layout: Layout, into out: UnsafeMutablePointer<Float>) {
        let p = config.patchSize, m = config.mergeSize, tps = config.temporalPatchSize, rowLength = config.rowLength
        let blocksPerRow = layout.grid.w / m
        let rowBytes = 3 * layout.grid.w * p
        table.withUnsafeBufferPointer { lut in
            layout.copies.withUnsafeBufferPointer { copies in
                guard let lut = lut.baseAddress else { return }
                for bw in 0..<blocksPerRow {
                    for mh in 0..<m {
                        for mw in 0..<m {
                            let r = ((index * blocksPerRow + bw) * m + mh) * m + mw
                            let patch = band + mh * p * rowBytes + 3 * (bw * m + mw) * p
                            for c in 0..<3 {
                                let channel = lut + 256 * c
                                let d = out + layout.firstSlot + r * rowLength + c * tps * p * p
                                for py in 0..<p {
                                    let src = patch + py * rowBytes + c
                                    let o = d + py * p
                                    for px in 0..<p { o[px] = channel[Int(src[3 * px])] }
                                }
                                for copy in copies { (d + copy).update(from: d, count: p * p) }
                            }
                        }
                    }
                }
            }
        }
    }
}
