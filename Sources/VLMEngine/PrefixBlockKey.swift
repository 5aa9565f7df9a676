// Identity of a full KV block for prefix caching: its parent's identity, its token ids, and the content
// hashes of the images/videos whose placeholders it overlaps. Placeholder ids are the same for every
// image, so without the content hashes two different images would share KV blocks.

struct PrefixBlockKey: Hashable {
    /// `hashValue` of the previous block's key; 0 for the first block. Chaining makes a block's identity
    /// depend on the whole prefix, as in vLLM and nano-vllm (a 64-bit collision is accepted, as there).
    var parent: Int
    var tokenIds: [Int]
    var visionHashes: [String]
}

/// A vision item placed in a prompt: its placeholder tokens are `offset ..< offset + item.tokenCount`.
struct PlacedVisionItem {
    var item: VisionItem
    var offset: Int

    var end: Int { offset + item.tokenCount }

    func overlaps(_ range: Range<Int>) -> Bool { offset < range.upperBound && range.lowerBound < end }
}

extension Array where Element == PrefixBlockKey {
    /// Extends the chain so it covers every full block of `tokenIds` (keys of earlier blocks never change,
    /// since tokens are only appended).
    mutating func extend(toCover tokenIds: [Int], blockSize: Int, vision: [PlacedVisionItem]) {
        let fullBlocks = tokenIds.count / blockSize
        while count < fullBlocks {
            let range = count * blockSize ..< (count + 1) * blockSize
            let hashes = vision.filter { $0.overlaps(range) }.map(\.item.contentHash)
            append(PrefixBlockKey(parent: last?.hashValue ?? 0, tokenIds: [Int](tokenIds[range]), visionHashes: hashes))
        }
    }
}
