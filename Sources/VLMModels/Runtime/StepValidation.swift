import VLMCompute

extension ForwardStep {
    /// Checks everything the kernels would otherwise trap on: counts, sequence layout, block tables,
    /// slots, token ids, logit rows and vision spans.
    func validate(vocabularySize: Int, hiddenSize: Int, cache: KVCache, activationType: DType) throws {
        func fail(_ reason: String) -> ModelInputError { .invalidStep(reason) }
        let count = tokenIds.count
        guard count > 0 else { throw fail("no tokens") }
        guard positions.count == 3 * count else { throw fail("\(positions.count) positions for \(count) tokens (need 3 × T)") }
        guard slotMapping.count == count else { throw fail("\(slotMapping.count) slots for \(count) tokens") }
        if let bad = tokenIds.first(where: { $0 < 0 || Int($0) >= vocabularySize }) {
            throw ModelInputError.tokenOutOfRange(id: Int(bad), vocabularySize: vocabularySize)
        }
        guard !sequences.isEmpty else { throw fail("no sequences") }
        var expectedStart = 0
        for (index, sequence) in sequences.enumerated() {
            guard sequence.queryStart == expectedStart, sequence.queryLength > 0, sequence.contextLength >= 0 else {
                throw fail("sequence \(index) must start at token \(expectedStart) with at least one new token")
            }
            expectedStart += sequence.queryLength
            let keys = sequence.contextLength + sequence.queryLength
            guard sequence.blockTable.count * cache.blockSize >= keys else {
                throw fail("sequence \(index) has \(sequence.blockTable.count) blocks for \(keys) positions")
            }
            guard sequence.blockTable.allSatisfy({ $0 >= 0 && Int($0) < cache.blockCount }) else {
                throw fail("sequence \(index) names a block outside the cache of \(cache.blockCount)")
            }
        }
        guard expectedStart == count else { throw fail("sequences cover \(expectedStart) of \(count) tokens") }
        guard slotMapping.allSatisfy({ Int($0) < cache.slotCount }) else { throw fail("a slot is outside the cache") }
        guard logitRows.allSatisfy({ $0 >= 0 && $0 < count }) else { throw fail("a logit row is outside 0..<\(count)") }
        for span in visionSpans {
            let rows = span.embeddings.rowCount
            guard span.embeddings.rowLength == hiddenSize, span.embeddings.dtype == activationType,
                  span.count >= 0, span.sourceRow >= 0, span.sourceRow + span.count <= rows,
                  span.batchIndex >= 0, span.batchIndex + span.count <= count
            else {
                throw fail("vision span (\(span.sourceRow)+\(span.count) of \(rows) rows → token \(span.batchIndex)) does not fit")
            }
        }
    }
}
