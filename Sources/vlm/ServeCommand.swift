import ArgumentParser
import Logging
import VLMServer
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// `vlm serve [MODEL]`: the OpenAI-compatible server, with `vllm serve`'s flags and defaults.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Start the OpenAI-compatible server (the flags and defaults of `vllm serve`).",
        discussion: """
            Without MODEL a built-in demo is served: a tiny checkpoint of the real Qwen2-VL architecture with \
            the real tokenizer and random weights (its answers are noise), made on first run into \
            $VLM_CACHE_DIR (default ~/.cache/vlm). Environment: VLM_API_KEY / VLLM_API_KEY (API key), \
            VLM_IMAGE_FETCH_TIMEOUT (5 s), VLM_VIDEO_FETCH_TIMEOUT (30 s), VLM_MEDIA_MAX_REDIRECTS (5).
            """)

    @Argument(help: "Checkpoint folder (config.json, *.safetensors, tokenizer files); the demo model when omitted.")
    var model: String?

    @OptionGroup(title: "Server") var server: ServerOptions
    @OptionGroup(title: "Model and engine") var engine: EngineOptions

    mutating func run() async throws {
        let logger = Logger(label: "vlm")
        let environment = ProcessInfo.processInfo.environment
        let checkpoint = try model ?? DemoCheckpoint.prepare(logger: logger, environment: environment)
        var settings = try server.settings(modelPath: checkpoint, environment: environment)
        if model == nil && server.servedModelName.isEmpty { settings.servedModelNames = [DemoCheckpoint.folderName] }
        try engine.apply(to: &settings)
        for line in engine.unhonouredFlags() { logger.warning("\(line)") }
        let pipeline = try ServingPipeline.load(checkpoint: checkpoint, engine: engine, settings: &settings, logger: logger)
        if model == nil {
            logger.warning("Serving the built-in demo: random weights, so its answers are noise. Give a checkpoint folder to serve a real model.")
        }
        var server = try OpenAIServer(engine: pipeline.engine, frontend: pipeline.frontend, settings: settings, logger: logger)
        let host = settings.host
        let names = settings.servedModelNames
        server.onListening = { port in
            logger.info("Serving \(names.joined(separator: ", ")) on http://\(host):\(port) (OpenAI API under /v1)")
        }
        try await server.serviceGroup().run()
        pipeline.shutdown()
        logger.info("Stopped.")
    }
}
