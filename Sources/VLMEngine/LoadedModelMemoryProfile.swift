// Memory profiling of a loaded model for the start-up plan. On the CPU backend the "device memory" is the
// process's: the activation peak is the rise of its peak resident size over one worst-case step (the
// kernel's high-water mark, reset just before). A GPU backend brings its own allocator statistics.

import VLMCompute
import VLMModels

extension LoadedModelExecutor: ModelMemoryProfiling {
    public func kvCacheBytesPerBlock(blockSize: Int) -> Int {
        let properties = model.properties
        return KVCache.bytesPerBlock(layers: properties.layerCount, blockSize: blockSize, kvHeads: properties.kvHeadCount,
                                     headDim: properties.headDim, dtype: model.backend.activationType)
    }

    public func profileActivationPeak(numTokens: Int, numSequences: Int, largestVisionGrid: (t: Int, h: Int, w: Int)?) throws -> Int {
        guard model.backend is CPUBackend else {
            throw MemoryPlanError(message: "Profiling activation memory on the \(model.backend.name) backend needs its allocator statistics, which it does not report.")
        }
        let step = try Self.profilingStep(numTokens: numTokens, numSequences: max(1, min(numSequences, numTokens)))
        let cache = try model.makeKVCache(blockCount: step.blockCount, blockSize: Self.profilingBlockSize)
        let patches = largestVisionGrid.map { [Float](repeating: 0, count: $0.t * $0.h * $0.w * model.properties.patchRowLength) }
        guard ProcessMemory.resetPeak(), let before = ProcessMemory.resident() else {
            throw MemoryPlanError(message: "Cannot measure this process's memory (/proc/self/clear_refs and /proc/self/status), needed to profile the CPU backend.")
        }
        _ = try model.forward(step.forward, cache: cache)
        if let grid = largestVisionGrid, let patches {
            _ = try model.encodeVision(patches: patches, grid: VisionGrid(t: grid.t, h: grid.h, w: grid.w))
        }
        guard let after = ProcessMemory.resident() else {
            throw MemoryPlanError(message: "Cannot read this process's memory (/proc/self/status) after the profiling step.")
        }
        return max(0, after.peak - before.current)
    }

    private static let profilingBlockSize = 16

    /// `numTokens` prompt tokens (id 0) split over `numSequences` fresh sequences, each asking for logits.
    private static func profilingStep(numTokens: Int, numSequences: Int) throws -> (forward: ForwardStep, blockCount: Int) {
        let blockSize = profilingBlockSize
        var sequences: [StepSequence] = [], positions: [Int32] = [], slots: [Int32] = [], logitRows: [Int] = []
        var nextBlock = 0
        for index in 0..<numSequences {
            let length = numTokens / numSequences + (index < numTokens % numSequences ? 1 : 0)
            let blocks = (length + blockSize - 1) / blockSize
            let table = (nextBlock ..< nextBlock + blocks).map { Int32($0) }
            sequences.append(StepSequence(queryStart: positions.count, queryLength: length, contextLength: 0, blockTable: table))
            for offset in 0..<length {
                positions.append(Int32(offset))
                slots.append(table[offset / blockSize] * Int32(blockSize) + Int32(offset % blockSize))
            }
            logitRows.append(positions.count - 1)
            nextBlock += blocks
        }
        let forward = ForwardStep(tokenIds: Array(repeating: 0, count: numTokens), positions: positions + positions + positions,
                                  sequences: sequences, slotMapping: slots, logitRows: logitRows)
        return (forward, nextBlock)
    }
}
