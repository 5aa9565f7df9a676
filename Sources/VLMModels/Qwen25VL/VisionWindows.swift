/// Qwen2.5-VL window layout of one image or video (transformers' `get_vision_window_index`): merged tokens
/// reordered window by window (windows of `edge × edge` merged tokens in raster order per frame group),
/// and the window boundaries in patches. The grid is padded to whole windows — by a full extra window when
/// it already divides, as the reference does — and empty windows are dropped.
struct VisionWindows: Equatable {
    /// Merged-token index (raster order) at each position of the window order.
    let order: [Int32]
    /// Patch offsets of window boundaries, starting at 0.
    let boundaries: [Int32]

    init(grid: VisionGrid, mergeSize: Int, edge: Int) {
        let (rows, columns) = (grid.h / mergeSize, grid.w / mergeSize)
        let windowRows = (rows + edge - rows % edge) / edge
        let windowColumns = (columns + edge - columns % edge) / edge
        let unit = Int32(mergeSize * mergeSize)
        var order: [Int32] = [], boundaries: [Int32] = [0]
        for t in 0 ..< grid.t {
            for windowRow in 0 ..< windowRows {
                for windowColumn in 0 ..< windowColumns {
                    var size: Int32 = 0
                    for r in windowRow * edge ..< min(rows, (windowRow + 1) * edge) {
                        for c in windowColumn * edge ..< min(columns, (windowColumn + 1) * edge) {
                            order.append(Int32((t * rows + r) * columns + c))
                            size += 1
                        }
                    }
                    if size > 0 { boundaries.append(boundaries[boundaries.count - 1] + size * unit) }
                }
            }
        }
        self.order = order
        self.boundaries = boundaries
    }

    /// Position in the window order of each merged token: undoes `order`.
    var inverse: [Int32] {
        var inverse = [Int32](repeating: 0, count: order.count)
        for (position, index) in order.enumerated() { inverse[Int(index)] = Int32(position) }
        return inverse
    }
}
