// swift-tools-version: 6.0
import PackageDescription

// Module map: ../shared/DESIGN.md. Each target owns one job; tests sit in Tests/<Target>Tests.
let package = Package(
    name: "swift-vlm",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "vlm", targets: ["vlm"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // Shared JSON value, parser and Python-compatible serializer.
        .target(name: "VLMJSON"),
        .testTarget(name: "VLMJSONTests", dependencies: ["VLMJSON"]),

        // Tokenizer: tokenizer.json → byte-level BPE encode/decode, exact to Hugging Face tokenizers.
        .target(name: "VLMTokenizer", dependencies: ["VLMJSON"]),
        .testTarget(name: "VLMTokenizerTests", dependencies: ["VLMTokenizer", "VLMJSON"]),
        .executableTarget(
            name: "TokenizerBenchmark", dependencies: ["VLMTokenizer"], path: "benchmarks/tokenizer/TokenizerBenchmark"),

        // Model area: tensors + backends (VLMCompute), checkpoints + model families (VLMModels). The compute
        // kernels are optimised even in debug builds: unoptimised loops make the tiny-model tests ~10x slower.
        .target(name: "VLMCompute", swiftSettings: [.unsafeFlags(["-O"], .when(configuration: .debug))]),
        .target(name: "VLMModels", dependencies: ["VLMCompute", "VLMJSON"]),
        .testTarget(name: "VLMComputeTests", dependencies: ["VLMCompute"]),
        .testTarget(name: "VLMModelsTests", dependencies: ["VLMModels", "VLMCompute", "VLMJSON"]),

        // Engine: scheduler, KV cache, sampler (its public API is EngineAPI.swift).
        .target(name: "VLMEngine"),

        // CUDA backend (issue 5): driver, NVRTC and cuBLASLt through dlopen, so everything builds and tests
        // without CUDA. Kernels are .cu files in Sources/VLMCUDA/Kernels, embedded as strings by the
        // EmbedKernels plugin. CUDAEmulator runs those kernels and a fake driver on the host for the tests;
        // VLMBackendCheck compares any backend with CPUBackend (`vlm selftest`).
        .executableTarget(name: "KernelEmbedder", path: "Plugins/KernelEmbedder"),
        .plugin(name: "EmbedKernels", capability: .buildTool(), dependencies: ["KernelEmbedder"]),
        .target(name: "VLMCUDA", dependencies: ["VLMCompute"], plugins: ["EmbedKernels"]),
        .target(name: "VLMBackendCheck", dependencies: ["VLMCompute", "VLMModels"]),
        .target(name: "CUDAEmulator", path: "Tests/CUDAEmulator",
                cxxSettings: [.unsafeFlags(["-O2", "-std=c++17", "-U_FORTIFY_SOURCE"])]),
        .testTarget(name: "VLMCUDATests", dependencies: ["VLMCUDA", "VLMBackendCheck", "CUDAEmulator", "VLMCompute", "VLMModels"]),
        .executableTarget(
            name: "CUDABenchmark",
            dependencies: ["VLMCUDA", "VLMModels", "VLMCompute", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "benchmarks/cuda/CUDABenchmark"),

        .executableTarget(
            name: "vlm",
            dependencies: [
                "VLMJSON",
                "VLMTokenizer",
                "VLMCompute",
                "VLMModels",
                "VLMCUDA",
                "VLMBackendCheck",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
    ],
    swiftLanguageModes: [.v5]
)
