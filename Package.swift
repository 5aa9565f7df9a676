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

        // Chat templates: a Jinja interpreter (VLMTemplate) and OpenAI message normalisation + rendering (VLMChat).
        .target(name: "VLMTemplate", dependencies: ["VLMJSON"]),
        .testTarget(name: "VLMTemplateTests", dependencies: ["VLMTemplate", "VLMJSON"]),
        .target(name: "VLMChat", dependencies: ["VLMTemplate", "VLMJSON"]),
        .testTarget(name: "VLMChatTests", dependencies: ["VLMChat", "VLMTemplate", "VLMJSON"]),

        // Engine: scheduler, KV cache, sampler (its public API is EngineAPI.swift).
        .target(name: "VLMEngine"),

        .executableTarget(
            name: "vlm",
            dependencies: [
                "VLMJSON",
                "VLMChat",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
    ],
    swiftLanguageModes: [.v5]
)
