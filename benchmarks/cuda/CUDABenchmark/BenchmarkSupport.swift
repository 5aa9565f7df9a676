import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import VLMCompute
import VLMCUDA

/// `--device cpu|cuda`: the logits and decode commands also run on the CPU, to check the full-size
/// pipeline on small checkpoints without a GPU.
struct BackendOption: ParsableArguments {
    @Option(help: "cpu or cuda")
    var device = "cuda"

    func makeBackend() throws -> Backend {
        switch device {
        case "cpu": return CPUBackend()
        case "cuda": return try CUDABackend()
        default: throw ValidationError("--device must be cpu or cuda")
        }
    }
}

enum BinaryFile {
    static func int32s(_ path: String) throws -> [Int32] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        return data.withUnsafeBytes { raw in (0 ..< data.count / 4).map { Int32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * $0, as: Int32.self)) } }
    }

    static func floats(_ path: String) throws -> [Float] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        return data.withUnsafeBytes { raw in
            (0 ..< data.count / 4).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self))) }
        }
    }

    static func write(_ values: [Float], to path: String) throws {
        try values.withUnsafeBytes { try Data($0).write(to: URL(fileURLWithPath: path)) }
    }
}

/// Median of event-timed runs of `body` after `warmup` untimed ones, in milliseconds.
func medianMilliseconds(_ backend: CUDABackend, repeats: Int, warmup: Int = 3, _ body: (Int) throws -> Void) throws -> Double {
    for i in 0 ..< warmup { try body(i) }
    let start = try CUDAEvent(backend.context), end = try CUDAEvent(backend.context)
    var times: [Double] = []
    for i in 0 ..< repeats {
        try start.record()
        try body(i)
        try end.record()
        try end.synchronize()
        times.append(try end.milliseconds(since: start))
    }
    try backend.synchronize()
    return times.sorted()[times.count / 2]
}

/// Random bf16-representable values in [-1, 1).
func randomValues(_ count: Int, seed: UInt64) -> [Float] {
    var state = seed
    return (0 ..< count).map { _ in
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return BFloat16.toFloat(BFloat16.fromFloat(Float(state >> 40) * 0x1p-23 - 1))
    }
}

func json(_ pairs: KeyValuePairs<String, Any>) -> String {
    "{" + pairs.map { key, value in
        let text = value is String ? "\"\(value)\"" : "\(value)"
        return "\"\(key)\": \(text)"
    }.joined(separator: ", ") + "}"
}
