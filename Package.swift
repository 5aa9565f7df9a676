// swift-tools-version: 6.0
import PackageDescription

// Media: the integer resampling and patch kernels vectorise far better with AVX2 (widening loads, 32-bit
// multiplies) than with the x86-64 baseline (2x here), and stay optimised in debug builds so the
// pixel-exact tests run in seconds. Every x86 server CPU since 2013 (Haswell, Zen) has AVX2.
#if arch(x86_64)
    let mediaSwiftSettings: [SwiftSetting] = [
        .unsafeFlags(["-target-cpu", "haswell"]), .unsafeFlags(["-O"], .when(configuration: .debug)),
    ]
    let mediaCSettings: [CSetting] = [.unsafeFlags(["-march=haswell", "-O2"])]
#else
    let mediaSwiftSettings: [SwiftSetting] = [.unsafeFlags(["-O"], .when(configuration: .debug))]
    let mediaCSettings: [CSetting] = [.unsafeFlags(["-O2"])]
#endif

let package = Package(
    name: "swift-vlm",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "vlm", targets: ["vlm"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // Server: HTTP, media fetching, logging, Prometheus metrics.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.81.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.6.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.0"),
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
        // Media: image/video decoding through Debian's C libraries, Pillow-exact resize, the Qwen2-VL
        // image/video processor (notes/media.md).
        .systemLibrary(name: "CJPEG", pkgConfig: "libjpeg", providers: [.apt(["libjpeg62-turbo-dev"])]),
        .systemLibrary(name: "CWebP", pkgConfig: "libwebpdemux", providers: [.apt(["libwebp-dev"])]),
        .systemLibrary(name: "CGIF", providers: [.apt(["libgif-dev"])]),
        .systemLibrary(
            name: "CFFmpeg", pkgConfig: "libavformat",
            providers: [.apt(["libavformat-dev", "libavcodec-dev", "libswscale-dev", "libavutil-dev"])]
        ),
        // libjpeg's error handling, and PNG's inflate + unfiltering (ours: libpng over zlib was two
        // thirds of a 1080p PNG's preprocessing time, see notes/media.md).
        .target(name: "CMediaShim", dependencies: ["CJPEG"], cSettings: mediaCSettings),
        .target(
            name: "VLMMedia",
            dependencies: [
                "CMediaShim", "CWebP", "CGIF", "CFFmpeg", "VLMJSON",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: mediaSwiftSettings
        ),
        .testTarget(name: "VLMMediaTests", dependencies: ["VLMMedia", "VLMJSON"]),
        .executableTarget(name: "MediaBenchmark", dependencies: ["VLMMedia"], path: "benchmarks/media/MediaBenchmark"),

        // Engine: scheduler, KV cache, sampler (its public API is EngineAPI.swift).
        .target(name: "VLMEngine", dependencies: ["VLMJSON", "VLMModels", "VLMCompute", "VLMTokenizer"]),
        .testTarget(name: "VLMEngineTests",
                    dependencies: ["VLMEngine", "VLMModels", "VLMCompute", "VLMTokenizer", "VLMJSON", "ModelFixtureFiles"]),

        // Server: OpenAI-compatible HTTP API on Hummingbird (routes, wire types, SSE, auth, media fetching, metrics).
        .target(
            name: "VLMServer",
            dependencies: [
                "VLMEngine", "VLMJSON", "VLMChat", "VLMTokenizer", "VLMMedia",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        .testTarget(
            name: "VLMServerTests",
            dependencies: [
                "VLMServer", "VLMEngine", "VLMJSON", "VLMChat", "VLMCompute", "ModelFixtureFiles",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            // The Python and shell client scripts the tests run.
            exclude: ["Clients"]
        ),

        // CUDA backend (issue 5): driver, NVRTC and cuBLASLt through dlopen, so everything builds and tests
        // without CUDA. Kernels are .cu files in Sources/VLMCUDA/Kernels, embedded as strings by the
        // EmbedKernels plugin. CUDAEmulator runs those kernels and a fake driver on the host for the tests;
        // VLMBackendCheck compares any backend with CPUBackend (`vlm selftest`).
        .executableTarget(name: "KernelEmbedder", path: "Plugins/KernelEmbedder"),
        .plugin(name: "EmbedKernels", capability: .buildTool(), dependencies: ["KernelEmbedder"]),
        .target(name: "VLMCUDA", dependencies: ["VLMCompute"], plugins: ["EmbedKernels"]),
        .target(name: "VLMBackendCheck", dependencies: ["VLMCompute", "VLMModels", "VLMCUDA"]),
        .target(name: "CUDAEmulator", path: "Tests/CUDAEmulator",
                cxxSettings: [.unsafeFlags(["-O2", "-std=c++17", "-U_FORTIFY_SOURCE"])]),
        .testTarget(name: "VLMCUDATests",
                    dependencies: ["VLMCUDA", "VLMBackendCheck", "CUDAEmulator", "VLMCompute", "VLMModels", "ModelFixtureFiles"]),
        .executableTarget(
            name: "CUDABenchmark",
            dependencies: ["VLMCUDA", "VLMBackendCheck", "VLMModels", "VLMCompute",
                           .product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "benchmarks/cuda/CUDABenchmark"),

        .executableTarget(
            name: "vlm",
            dependencies: [
                "VLMJSON",
                "VLMTokenizer",
                "VLMServer",
                "VLMChat",
                "VLMMedia",
                "VLMEngine",
                "VLMModels",
                "VLMCompute",
                "VLMCUDA",
                "VLMBackendCheck",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // `vlm generate` end to end on the tiny checkpoints.
        .testTarget(name: "vlmTests", dependencies: ["vlm", "ModelFixtureFiles", "VLMJSON"]),
    ],
    swiftLanguageModes: [.v5]
)
