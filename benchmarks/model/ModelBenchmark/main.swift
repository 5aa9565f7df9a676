// Times the CPU reference backend on a checkpoint: vision encoding of one image, prefill of a prompt
// holding it, and greedy decode steps, through the same step API the engine uses.
// Usage: ModelBenchmark MODEL_DIR [PROMPT_TOKENS] [DECODE_TOKENS] [IMAGE_SIDE_PATCHES]
import Dispatch
#if canImport(Glibc)
import Glibc
#endif
import VLMCompute
import VLMModels

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

let arguments = CommandLine.arguments
guard arguments.count >= 2 else {
    print("usage: ModelBenchmark MODEL_DIR [PROMPT_TOKENS=512] [DECODE_TOKENS=16] [IMAGE_SIDE_PATCHES=16]")
    exit(2)
}
let promptTokens = arguments.count > 2 ? Int(arguments[2]) ?? 512 : 512
let decodeTokens = arguments.count > 3 ? Int(arguments[3]) ?? 16 : 16
let side = arguments.count > 4 ? Int(arguments[4]) ?? 16 : 16

do {
    let backend = CPUBackend()
    var model: VisionLanguageModel?
    let load = try seconds { model = try ModelRegistry.load(directory: arguments[1], backend: backend) }
    guard let model else { exit(1) }
    let properties = model.properties
    let grid = VisionGrid(t: 1, h: side, w: side)
    let imageTokens = grid.patchCount / properties.patchesPerToken
    var generator = SystemRandomNumberGenerator()
    let patches = (0 ..< grid.patchCount * properties.patchRowLength).map { _ in Float.random(in: -1 ... 1, using: &generator) }
    let text = max(0, promptTokens - imageTokens - 2)
    let prompt = [properties.visionStartTokenId] + Array(repeating: properties.imageTokenId, count: imageTokens) + [151653]
        + (0 ..< text).map { 1000 + $0 % 5000 }
    let vision = [VisionInput(isVideo: false, patches: patches, grid: grid)]
    var runner: SequenceRunner?
    let encode = try seconds {
        runner = try SequenceRunner(model: model, promptTokenIds: prompt, vision: vision, capacity: prompt.count + decodeTokens)
    }
    guard let runner else { exit(1) }
    var logits: ArraySlice<Float> = []
    let prefill = try seconds { logits = try runner.prefill() }
    let decode = try seconds {
        for _ in 0 ..< decodeTokens { logits = try runner.decode(Greedy.token(logits)) }
    }
    print("""
        {"model": "\(arguments[1].split(separator: "/").last ?? "")", "threads": \(backend.threadCount), "load_s": \(load), \
        "image_patches": \(grid.patchCount), "vision_encode_s": \(encode), "prompt_tokens": \(prompt.count), \
        "prefill_s": \(prefill), "prefill_tok_per_s": \(Double(prompt.count) / prefill), "decode_tokens": \(decodeTokens), \
        "decode_ms_per_token": \(decode * 1000 / Double(max(decodeTokens, 1)))}
        """)
} catch {
    print("error: \(error)")
    exit(1)
}
