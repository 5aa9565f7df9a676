// Start-up memory plan (vLLM's determine_available_memory): the engine may use total × utilization of
// the device; the weights and the activation peak of a worst-case profiling step come off the top and
// the rest becomes KV blocks. Works for the CPU backend with a configured "device memory" figure.

/// What the planner needs from a loaded model.
public protocol ModelMemoryProfiling {
    var weightBytes: Int { get }
    /// Bytes of one KV block: K and V of every layer for `blockSize` tokens.
    func kvCacheBytesPerBlock(blockSize: Int) -> Int
    /// Runs the largest step the flags allow (`numTokens` tokens over `numSequences` sequences, and the
    /// vision encoder on the largest item) and returns the peak of activation memory in bytes.
    func profileActivationPeak(numTokens: Int, numSequences: Int, largestVisionGrid: (t: Int, h: Int, w: Int)?) throws -> Int
}

public struct MemoryPlan: Sendable, Equatable {
    public var numBlocks: Int
    public var kvCacheBytes: Int
    public var weightBytes: Int
    public var activationPeakBytes: Int
    /// Lines for the start-up log, in vLLM's words.
    public var report: [String]
}

/// The engine cannot start in this memory; the message has the numbers and the flags to change.
public struct MemoryPlanError: Error, CustomStringConvertible, Equatable {
    public var message: String
    public var description: String { message }
}

public enum MemoryPlanner {
    public struct Budget: Sendable {
        /// "GPU" or "CPU", for the log.
        public var deviceName: String
        public var totalBytes: Int
        public var utilization: Double
        public var weightBytes: Int
        public var activationPeakBytes: Int
        public var kvBytesPerBlock: Int
        public var blockSize: Int
        public var maxModelLen: Int

        public init(deviceName: String, totalBytes: Int, utilization: Double, weightBytes: Int, activationPeakBytes: Int,
                    kvBytesPerBlock: Int, blockSize: Int, maxModelLen: Int)
        {
            self.deviceName = deviceName
            self.totalBytes = totalBytes
            self.utilization = utilization
            self.weightBytes = weightBytes
            self.activationPeakBytes = activationPeakBytes
            self.kvBytesPerBlock = kvBytesPerBlock
            self.blockSize = blockSize
            self.maxModelLen = maxModelLen
        }
    }

    /// Profiles the model at the worst case of `config` and plans the KV pool.
    public static func profileAndPlan(model: some ModelMemoryProfiling, config: EngineConfig, deviceName: String,
                                      totalBytes: Int, utilization: Double,
                                      largestVisionGrid: (t: Int, h: Int, w: Int)?) throws -> MemoryPlan
    {
        let peak = try model.profileActivationPeak(numTokens: config.maxNumBatchedTokens,
                                                   numSequences: min(config.maxNumSeqs, config.maxNumBatchedTokens),
                                                   largestVisionGrid: largestVisionGrid)
        return try plan(Budget(deviceName: deviceName, totalBytes: totalBytes, utilization: utilization,
                               weightBytes: model.weightBytes, activationPeakBytes: peak,
                               kvBytesPerBlock: model.kvCacheBytesPerBlock(blockSize: config.blockSize),
                               blockSize: config.blockSize, maxModelLen: config.maxModelLen))
    }

    public static func plan(_ budget: Budget) throws -> MemoryPlan {
        guard budget.utilization > 0, budget.utilization <= 1 else {
            throw MemoryPlanError(message: "--gpu-memory-utilization must be in (0, 1], got \(budget.utilization).")
        }
        let usable = Int(Double(budget.totalBytes) * budget.utilization)
        let kvBytes = usable - budget.weightBytes - budget.activationPeakBytes
        let device = budget.deviceName
        let gib = { (bytes: Int) in formatGiB(bytes) }
        let header = "the current instance can use total_\(device.lowercased())_memory (\(gib(budget.totalBytes))) x gpu_memory_utilization (\(formatFixed(budget.utilization, decimals: 2))) = \(gib(usable))"
        guard kvBytes > 0 else {
            throw MemoryPlanError(message: "No memory is left for the KV cache: \(header), but the model weights take \(gib(budget.weightBytes)) and the activation peak of the profiling step takes \(gib(budget.activationPeakBytes)). Raise --gpu-memory-utilization, or lower --max-num-batched-tokens, --max-num-seqs or the largest image (max_pixels in --mm-processor-kwargs).")
        }
        let numBlocks = kvBytes / budget.kvBytesPerBlock
        let neededBlocks = (budget.maxModelLen + budget.blockSize - 1) / budget.blockSize
        guard numBlocks >= neededBlocks else {
            throw MemoryPlanError(message: "To serve at least one request with the model's max seq len (\(budget.maxModelLen)), \(gib(neededBlocks * budget.kvBytesPerBlock)) KV cache is needed, which is larger than the available KV cache memory (\(gib(kvBytes))): \(header), the model weights take \(gib(budget.weightBytes)) and the activation peak takes \(gib(budget.activationPeakBytes)). Based on the available memory, the estimated maximum model length is \(numBlocks * budget.blockSize). Raise --gpu-memory-utilization or lower --max-model-len.")
        }
        let tokens = numBlocks * budget.blockSize
        let concurrency = Double(tokens) / Double(budget.maxModelLen)
        return MemoryPlan(numBlocks: numBlocks, kvCacheBytes: numBlocks * budget.kvBytesPerBlock, weightBytes: budget.weightBytes,
                          activationPeakBytes: budget.activationPeakBytes, report: [
            header,
            "model weights take \(gib(budget.weightBytes)); activation peak takes \(gib(budget.activationPeakBytes)); the rest of the memory reserved for KV Cache is \(gib(kvBytes)).",
            "\(device) KV cache size: \(groupedThousands(tokens)) tokens (\(groupedThousands(numBlocks)) blocks of \(budget.blockSize))",
            "Maximum concurrency for \(groupedThousands(budget.maxModelLen)) tokens per request: \(formatFixed(concurrency, decimals: 2))x",
        ])
    }

    /// The warning vLLM users miss: prompts with `limit-mm-per-prompt` worst-case items cannot fit.
    public static func multimodalLengthWarning(maxModelLen: Int, limits: [VisionItem.Kind: Int],
                                               maxTokensPerItem: [VisionItem.Kind: Int]) -> String?
    {
        let worst = [VisionItem.Kind.image, .video].compactMap { kind -> (kind: VisionItem.Kind, count: Int, tokens: Int)? in
            guard let count = limits[kind], count > 0, let tokens = maxTokensPerItem[kind] else { return nil }
            return (kind, count, tokens)
        }
        let needed = worst.reduce(0) { $0 + $1.count * $1.tokens }
        guard needed > maxModelLen else { return nil }
        let parts = worst.map { "\($0.count) \($0.kind.rawValue)(s) of up to \($0.tokens) tokens each" }
        return "--max-model-len \(maxModelLen) cannot hold the worst case that --limit-mm-per-prompt allows: \(parts.joined(separator: " and ")) take \(needed) tokens. Such prompts will be refused; raise --max-model-len, lower --limit-mm-per-prompt, or lower max_pixels in --mm-processor-kwargs."
    }

    static func formatGiB(_ bytes: Int) -> String {
        formatFixed(Double(bytes) / Double(1 << 30), decimals: 2) + "GiB"
    }

    /// `value` rounded to `decimals` places, like Python's "%.2f" (half away from zero on the exact
    /// decimal is close enough for a log line).
    static func formatFixed(_ value: Double, decimals: Int) -> String {
        var scale = 1
        for _ in 0..<decimals { scale *= 10 }
        let scaled = Int((abs(value) * Double(scale)).rounded())
        let sign = value < 0 && scaled != 0 ? "-" : ""
        let fraction = String(scaled % scale)
        let padded = String(repeating: "0", count: decimals - fraction.count) + fraction
        return decimals == 0 ? "\(sign)\(scaled)" : "\(sign)\(scaled / scale).\(padded)"
    }

    static func groupedThousands(_ value: Int) -> String {
        let digits = Array(String(abs(value)))
        var out = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { out.append(",") }
            out.append(digit)
        }
        return (value < 0 ? "-" : "") + out
    }
}
