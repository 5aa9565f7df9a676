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
        .testTarget(name: "VLMModelsTests", dependencies: ["VLMModels", "VLMCompute", "VLMJSON", "ModelFixtureFiles"]),
        // Locating the tiny-model fixtures and goldens, shared by the test targets that run the models.
        .target(name: "ModelFixtureFiles", dependencies: ["VLMJSON"], path: "Tests/ModelFixtureFiles"),
        .executableTarget(name: "ModelBenchmark", dependencies: ["VLMModels", "VLMCompute"], path: "benchmarks/model/ModelBenchmark"),

        // Chat templates: a Jinja interpreter (VLMTemplate) and OpenAI message normalisation + rendering (VLMChat).
        .target(name: "VLMTemplate", dependencies: ["VLMJSON"]),
        .testTarget(name: "VLMTemplateTests", dependencies: ["VLMTemplate", "VLMJSON"]),
        .target(name: "VLMChat", dependencies: ["VLMTemplate", "VLMJSON"]),
        .testTarget(name: "VLMChatTests", dependencies: ["VLMChat", "VLMTemplate", "VLMJSON"]),

        // Engine: scheduler, KV cache, sampler (its public API is EngineAPI.swift).
        .target(name: "VLMEngine", dependencies: ["VLMJSON", "VLMModels", "VLMCompute", "VLMTokenizer"]),
        .testTarget(name: "VLMEngineTests",
                    dependencies: ["VLMEngine", "VLMModels", "VLMCompute", "VLMTokenizer", "VLMJSON", "ModelFixtureFiles"]),

        .executableTarget(
            name: "vlm",
            dependencies: [
                "VLMJSON",
                "VLMTokenizer",
                "VLMChat",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
    ],
    swiftLanguageModes: [.v5]
)
