import Hummingbird
import Logging
import ServiceLifecycle
import UnixSignals
import VLMEngine
import VLMJSON

/// The OpenAI-compatible HTTP server (`vlm serve`): routes over an engine and a model frontend.
public struct OpenAIServer: Sendable {
    let state: ServingState
    let fetcher: MediaFetcher

    /// Throws `ServeConfigurationError` for settings that cannot work (a missing media folder, ...).
    public init(engine: any GenerationEngine, frontend: any ModelFrontend, settings: ServerSettings,
                metrics: ServerMetrics? = nil, logger: Logger) throws
    {
        fetcher = try MediaFetcher(policy: settings.mediaFetch)
        let media = MediaLoader(fetcher: fetcher, frontend: frontend, serverOptions: settings.mmProcessorKwargs, limits: settings.mediaLimits)
        state = ServingState(
            engine: engine, frontend: frontend, settings: settings, media: media,
            metrics: metrics ?? ServerMetrics(modelName: settings.reportedModelName), logger: logger)
    }

    func router() -> Router<BasicRequestContext> {
        let router = Router()
        // Middleware first: routes added later are wrapped by what is registered now.
        router.add(middleware: OriginPolicyMiddleware(settings: state.settings.cors))
        router.add(middleware: ErrorBodyMiddleware(logger: state.logger))
        router.add(middleware: APIKeyMiddleware(keys: state.settings.apiKeys))

        let chat = ChatCompletionsRoute(state: state)
        let completions = CompletionsRoute(state: state)
        let tokenize = TokenizeRoutes(state: state)
        let info = InfoRoutes(state: state)
        router.post("/v1/chat/completions") { request, _ in try await Self.cancellingOnDisconnect(request, chat.handle) }
        router.post("/v1/completions") { request, _ in try await Self.cancellingOnDisconnect(request, completions.handle) }
        router.post("/tokenize") { request, _ in try await tokenize.tokenize(request) }
        router.post("/detokenize") { request, _ in try await tokenize.detokenize(request) }
        router.get("/v1/models") { _, _ in try info.models() }
        router.get("/health") { _, _ in info.health() }
        router.get("/ping") { _, _ in info.health() }
        router.post("/ping") { _, _ in info.health() }
        router.get("/version") { _, _ in try info.version() }
        router.get("/metrics") { _, _ in info.metrics() }
        router.get("/openapi.json") { _, _ in try jsonResponse(OpenAPIDocument.make(version: state.settings.version)) }
        return router
    }

    /// Runs a generation handler so that a client closing its connection cancels it (and with it the
    /// engine requests). A streamed answer is stopped by its first failed write instead.
    static func cancellingOnDisconnect(_ request: Request, _ handler: @escaping (Request) async throws -> Response) async throws -> Response {
        try await request.body.consumeWithCancellationOnInboundClose { body in
            var request = request
            request.body = body
            return try await handler(request)
        }
    }

    /// Serves until one of `signals` arrives (then stops accepting, lets in-flight requests finish for
    /// `shutdownTimeout`, and aborts the rest) or until the calling task is cancelled.
    public func run(signals: [UnixSignal] = [.sigterm, .sigint], onListening: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        let settings = state.settings
        let app = Application(
            router: router(),
            configuration: .init(address: .hostname(settings.host, port: settings.port), serverName: "vlm/\(settings.version)"),
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? settings.port) },
            logger: state.logger)
        var configuration = ServiceGroupConfiguration(services: [.init(service: app)], gracefulShutdownSignals: signals, logger: state.logger)
        configuration.maximumGracefulShutdownDuration = settings.shutdownTimeout
        configuration.maximumCancellationDuration = .seconds(5)
        do {
            try await ServiceGroup(configuration: configuration).run()
        } catch {
            try? await fetcher.shutdown()
            throw error
        }
        try await fetcher.shutdown()
    }
}
