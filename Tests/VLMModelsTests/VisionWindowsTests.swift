import Testing
@testable import VLMModels

/// Qwen2.5-VL window layout (facts §4.5).
@Suite struct VisionWindowsTests {
    @Test func partialWindowsFollowTheFactsExample() {
        // 12×20 patches = 6×10 merged tokens → windows of 16, 16, 8, 16, 16, 8 tokens.
        let windows = VisionWindows(grid: VisionGrid(t: 1, h: 12, w: 20), mergeSize: 2, edge: 4)
        #expect(windows.boundaries == [0, 64, 128, 160, 192, 224, 240])
        #expect(Array(windows.order.prefix(6)) == [0, 1, 2, 3, 10, 11])
        #expect(Array(windows.order[32 ..< 36]) == [8, 9, 18, 19])
    }

    @Test func divisibleGridDropsTheEmptyPaddingWindows() {
        let windows = VisionWindows(grid: VisionGrid(t: 2, h: 16, w: 16), mergeSize: 2, edge: 4)
        #expect(windows.boundaries == [0, 64, 128, 192, 256, 320, 384, 448, 512])
        #expect(windows.order.count == 128)
    }

    @Test func inverseUndoesTheOrder() {
        let windows = VisionWindows(grid: VisionGrid(t: 1, h: 12, w: 20), mergeSize: 2, edge: 4)
        let inverse = windows.inverse
        #expect((0 ..< 60).allSatisfy { windows.order[Int(inverse[$0])] == Int32($0) })
    }
}
