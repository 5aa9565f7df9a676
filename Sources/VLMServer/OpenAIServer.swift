import Hummingbird
import Logging
import ServiceLifecycle
import UnixSignals
import VLMEngine
import VLMJSON

/// The OpenAI-compatible HTTP server (`vlm serve`): routes over an engine and a model frontend.
public struct OpenAIServer: Service {
    let state: ServingState
    let fetcher: MediaFetcher
    /// Called with the bound port once the server listens (port 0 picks a free one).
    public var onListening: @Sendable (Int) async -> Void = { _ in }

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
    /// engine requests); a streamed answer is stopped by its first failed write instead. Watching the
    /// connection this way ends it after the response, so the response says `Connection: close` and
    /// clients open a new one rather than reuse a closing one.
    static func cancellingOnDisconnect(_ request: Request, _ handler: @escaping (Request) async throws -> Response) async throws -> Response {
        var response: Response
        do {
            response = try await request.body.consumeWithCancellationOnInboundClose { body in
                var request = request
                request.body = body
                return try await handler(request)
            }
        } catch let error as APIError {
            response = try jsonResponse(error.body, status: error.status)
        }
        response.headers[.connection] = "close"
        return response
    }

    /// Serves until graceful shutdown of the service group it runs in (stop accepting, let in-flight
    /// requests finish; the group's time limit aborts the rest) or until the calling task is cancelled.
    public func run() async throws {
        let settings = state.settings
        let onListening = self.onListening
        let app = Application(
            router: router(),
            configuration: .init(address: .hostname(settings.host, port: settings.port), serverName: "vlm/\(settings.version)"),
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? settings.port) },
            logger: state.logger)
        let logger = state.logger
        let limit = settings.shutdownTimeout
        do {
            try await withGracefulShutdownHandler {
                try await app.run()
            } onGracefulShutdown: {
                logger.info("Shutting down: no new connections; requests in flight have \(limit.seconds) s to finish before they are aborted.")
            }
        } catch {
            try? await fetcher.shutdown()
            throw error
        }
        try await fetcher.shutdown()
    }

    /// The service group `vlm serve` runs: graceful shutdown on `signals` (or when triggered), in-flight
    /// requests cancelled (engine requests aborted) once `shutdownTimeout` has passed.
    public func serviceGroup(signals: [UnixSignal] = [.sigterm, .sigint]) -> ServiceGroup {
        var configuration = ServiceGroupConfiguration(services: [.init(service: self)], gracefulShutdownSignals: signals, logger: state.logger)
        configuration.maximumGracefulShutdownDuration = state.settings.shutdownTimeout
        configuration.maximumCancellationDuration = .seconds(5)
        return ServiceGroup(configuration: configuration)
    }
}
