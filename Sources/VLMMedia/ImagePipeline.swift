import Dispatch

/// Decode → one Pillow BICUBIC resize → patches in a single pass, spread over the cores. Work is
/// cut into bands of 28 output rows (one row of merge blocks): the first worker decodes (rows
/// become final top to bottom) while the others resize the bands whose input rows are ready and
/// write their patch rows; when decoding ends it joins them. The resized image is never stored
/// whole. Results are identical to decoding, `PillowBicubic.resize` and `Patchifier.patches` run
/// one after the other.
struct ImagePipeline {
    let width: Int
    let height: Int
    let outWidth: Int
    let outHeight: Int
    let patchifier: Patchifier

    /// Runs the pipeline writing into `out` (`grid.patchCount × rowLength` floats). `produce` fills
    /// `pixels` (width × height × 3) reporting each finished row; nil when `pixels` is complete.
    func run(
        pixels: UnsafeMutablePointer<UInt8>, into out: UnsafeMutablePointer<Float>,
        produce: ((UnsafeMutablePointer<UInt8>, (Int) -> Void) throws -> Void)?
    ) throws {
        let horizontal = outWidth != width ? PillowBicubic.Coefficients(inSize: width, outSize: outWidth) : nil
        let vertical = outHeight != height ? PillowBicubic.Coefficients(inSize: height, outSize: outHeight) : nil
        let horizontalFirst = horizontal != nil && vertical != nil
            && !PillowBicubic.verticalFirst(inWidth: width, inHeight: height, outWidth: outWidth, outHeight: outHeight)
        let layout = Patchifier.Layout(patchifier, grid: grid, frame: 0, frames: 1)
        let bandRows = patchifier.bandRows
        let bands = outHeight / bandRows
        let progress = RowProgress()
        if produce == nil { progress.publish(rows: height) }
        let failure = FailureBox()
        let work = { (worker: Int) in
            if worker == 0, let produce {
                do {
                    try produce(pixels) { y in progress.publish(rows: y + 1) }
                    progress.publish(rows: height)
                } catch {
                    failure.error = error
                    progress.fail()
                    return
                }
            }
            let scratch = Scratch()
            while true {
                let band = progress.claim()
                guard band < bands else { return }
                let rows = band * bandRows..<(band + 1) * bandRows
                let needed = vertical.map { $0.first[rows.upperBound - 1] + $0.count[rows.upperBound - 1] } ?? rows.upperBound
                guard progress.wait(for: needed) else { return }
                let resized: UnsafePointer<UInt8>
                switch (horizontal, vertical) {
                case (nil, nil):
                    resized = UnsafePointer(pixels + 3 * width * rows.lowerBound)
                case let (h?, v?) where horizontalFirst:
                    resized = horizontalThenVertical(rows, pixels, h, v, scratch)
                default:
                    resized = verticalThenHorizontal(rows, pixels, horizontal, vertical, scratch)
                }
                patchifier.writeBand(resized, index: band, layout, into: out)
            }
        }
        let workers = min(ParallelRows.threads, max(1, bands))
        if workers == 1 {
            work(0)
        } else {
            DispatchQueue.concurrentPerform(iterations: workers, execute: work)
        }
        if let error = failure.error { throw error }
    }

    var grid: GridTHW { patchifier.grid(width: outWidth, height: outHeight, frames: 1) }

    /// A freshly allocated patch matrix filled by `fill`.
    func patches(_ fill: (UnsafeMutablePointer<Float>) throws -> Void) rethrows -> PixelPatches {
        let config = patchifier.config
        let values: [Float] = try LargeBuffer.array(count: grid.patchCount * config.rowLength, fill: fill)
        return PixelPatches(grid: grid, values: values, rowLength: config.rowLength, mergeSize: config.mergeSize, secondPerGrid: nil)
    }

    /// Per-worker buffers with stable addresses; `band` receives the resized rows of one band.
    final class Scratch {
        private(set) var band = Buffer(), row = Buffer(), window = Buffer()

        struct Buffer {
            var pointer = UnsafeMutablePointer<UInt8>.allocate(capacity: 1)
            var capacity = 1

            mutating func reserve(_ count: Int) {
                guard count > capacity else { return }
                pointer.deallocate()
                pointer = .allocate(capacity: count)
                capacity = count
            }
        }

        func reserve(band bandBytes: Int, row rowBytes: Int, window windowBytes: Int) {
            band.reserve(bandBytes)
            row.reserve(rowBytes)
            window.reserve(windowBytes)
        }

        deinit {
            band.pointer.deallocate()
            row.pointer.deallocate()
            window.pointer.deallocate()
        }
    }

    /// Vertical pass (or none) on input rows, then the horizontal pass (or none), row by row.
    private func verticalThenHorizontal(
        _ rows: Range<Int>, _ pixels: UnsafeMutablePointer<UInt8>, _ horizontal: PillowBicubic.Coefficients?,
        _ vertical: PillowBicubic.Coefficients?, _ scratch: Scratch
    ) -> UnsafePointer<UInt8> {
        let inBytes = 3 * width, outBytes = 3 * outWidth
        scratch.reserve(band: rows.count * outBytes, row: inBytes, window: 0)
        let band = scratch.band.pointer, between = scratch.row.pointer
        for y in rows {
            let target = band + (y - rows.lowerBound) * outBytes
            var row = UnsafePointer(pixels + inBytes * y)
            if let vertical {
                let destination = horizontal == nil ? target : between
                vertical.weights.withUnsafeBufferPointer { w in
                    guard let w = w.baseAddress else { return }
                    PillowBicubic.verticalRow(
                        pixels + inBytes * vertical.first[y], rowBytes: inBytes, taps: vertical.count[y],
                        weights: w + y * vertical.taps, into: destination)
                }
                row = UnsafePointer(destination)
            }
            if let horizontal {
                horizontal.weights.withUnsafeBufferPointer { w in
                    guard let w = w.baseAddress else { return }
                    PillowBicubic.horizontalRow(row, horizontal, w, into: target)
                }
            }
        }
        return UnsafePointer(band)
    }

    /// Horizontal pass over the band's input window, then vertical rows from it.
    private func horizontalThenVertical(
        _ rows: Range<Int>, _ pixels: UnsafeMutablePointer<UInt8>, _ horizontal: PillowBicubic.Coefficients,
        _ vertical: PillowBicubic.Coefficients, _ scratch: Scratch
    ) -> UnsafePointer<UInt8> {
        let top = vertical.first[rows.lowerBound]
        let bottom = vertical.first[rows.upperBound - 1] + vertical.count[rows.upperBound - 1]
        let outBytes = 3 * outWidth
        scratch.reserve(band: rows.count * outBytes, row: 0, window: (bottom - top) * outBytes)
        let band = scratch.band.pointer, window = scratch.window.pointer
        horizontal.weights.withUnsafeBufferPointer { hw in
            vertical.weights.withUnsafeBufferPointer { vw in
                guard let hw = hw.baseAddress, let vw = vw.baseAddress else { return }
                for y in top..<bottom {
                    PillowBicubic.horizontalRow(pixels + 3 * width * y, horizontal, hw, into: window + (y - top) * outBytes)
                }
                for y in rows {
                    PillowBicubic.verticalRow(
                        window + (vertical.first[y] - top) * outBytes, rowBytes: outBytes, taps: vertical.count[y],
                        weights: vw + y * vertical.taps, into: band + (y - rows.lowerBound) * outBytes)
                }
            }
        }
        return UnsafePointer(band)
    }
}

/// The first error a worker hit.
final class FailureBox: @unchecked Sendable {
    var error: Error?
}
