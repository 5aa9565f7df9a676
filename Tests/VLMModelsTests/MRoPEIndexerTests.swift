import Testing
@testable import VLMModels

/// M-RoPE prompt positions (facts §5.3): exact ids on small hand-checked prompts.
@Suite struct MRoPEIndexerTests {
    let image = 151655, video = 151656
    let qwen2 = MRoPEIndexer(imageTokenId: 151655, videoTokenId: 151656, spatialMergeSize: 2, tokensPerSecond: nil)
    let qwen25 = MRoPEIndexer(imageTokenId: 151655, videoTokenId: 151656, spatialMergeSize: 2, tokensPerSecond: 2)

    @Test func textOnlyCountsUpOnAllAxes() throws {
        let positions = try qwen2.positions(tokens: [5, 6, 7], items: [])
        #expect(positions == MRoPEPositions(positions: [0, 1, 2, 0, 1, 2, 0, 1, 2], ropeDelta: 0))
    }

    @Test func imageTakesGridIdsAndTextContinuesAtMaxPlusOne() throws {
        // A 4×6-patch image is 2×3 merged tokens starting at id 2; the next text token gets 2 + 2 + 1.
        let tokens = [10, 11] + Array(repeating: image, count: 6) + [12]
        let positions = try qwen2.positions(tokens: tokens, items: [VisionPlacement(grid: VisionGrid(t: 1, h: 4, w: 6), isVideo: false)])
        #expect(positions.positions == [0, 1, 2, 2, 2, 2, 2, 2, 5,
                                        0, 1, 2, 2, 2, 3, 3, 3, 5,
                                        0, 1, 2, 3, 4, 2, 3, 4, 5])
        #expect(positions.ropeDelta == -3)
    }

    @Test func qwen2VideoTemporalIdsCountFrameGroups() throws {
        let tokens = Array(repeating: video, count: 4) + [7]
        let item = VisionPlacement(grid: VisionGrid(t: 4, h: 2, w: 2), isVideo: true, secondPerGrid: 2.0 / 3)
        let positions = try qwen2.positions(tokens: tokens, items: [item])
        #expect(positions.positions == [0, 1, 2, 3, 4, 0, 0, 0, 0, 4, 0, 0, 0, 0, 4])
        #expect(positions.ropeDelta == 0)
    }

    @Test func qwen25VideoTemporalIdsTruncateTheFloat32TimeProduct() throws {
        // fps 3: second_per_grid 2/3, interval float32(2 * 0.6666667) = 1.3333334 → ids 0, 1, 2, 4.
        let tokens = Array(repeating: video, count: 4) + [7]
        let item = VisionPlacement(grid: VisionGrid(t: 4, h: 2, w: 2), isVideo: true, secondPerGrid: 2.0 / 3)
        let positions = try qwen25.positions(tokens: tokens, items: [item])
        #expect(positions.positions == [0, 1, 2, 4, 5, 0, 0, 0, 0, 5, 0, 0, 0, 0, 5])
        #expect(positions.ropeDelta == 1)
    }

    @Test func tooFewPlaceholdersForTheGridAreRejected() throws {
        #expect(throws: ModelInputError.placeholderMismatch("image 0 (grid 1×4×6) needs 6 consecutive placeholders at token 1")) {
            try qwen2.positions(tokens: [1] + Array(repeating: image, count: 5) + [2],
                                items: [VisionPlacement(grid: VisionGrid(t: 1, h: 4, w: 6), isVideo: false)])
        }
    }

    @Test func placeholdersWithoutItemsAreRejected() throws {
        #expect(throws: ModelInputError.placeholderMismatch("placeholder at token 1 but only 0 image/video item(s) given")) {
            try qwen2.positions(tokens: [1, image], items: [])
        }
    }

    @Test func itemsWithoutPlaceholdersAreRejected() throws {
        #expect(throws: ModelInputError.placeholderMismatch("1 image/video item(s) given but the prompt has placeholders for 0")) {
            try qwen2.positions(tokens: [1, 2], items: [VisionPlacement(grid: VisionGrid(t: 1, h: 2, w: 2), isVideo: false)])
        }
    }

    @Test func videoItemOnImagePlaceholdersIsRejected() throws {
        #expect(throws: ModelInputError.placeholderMismatch("item 0 is a video but token 0 is the other kind's placeholder")) {
            try qwen2.positions(tokens: [image], items: [VisionPlacement(grid: VisionGrid(t: 1, h: 2, w: 2), isVideo: true)])
        }
    }
}

extension MRoPEIndexerTests {
    @Test func hugeGridsAreRefusedBeforeAnyArithmetic() throws {
        let grid = VisionGrid(t: 1 << 40, h: 1 << 40, w: 2)
        #expect(throws: ModelInputError.invalidVisionInput("grid \(1 << 40)×\(1 << 40)×2 must have sides in 1...65536 with h and w multiples of 2")) {
            try qwen2.positions(tokens: [image], items: [VisionPlacement(grid: grid, isVideo: false)])
        }
    }
}
