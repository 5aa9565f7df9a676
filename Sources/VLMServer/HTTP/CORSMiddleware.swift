import Hummingbird

/// CORS as vLLM's Starlette middleware does it: an allowed origin list (`*` for all), preflights
/// answered here, `*` methods/headers meaning whatever the browser asks for.
struct OriginPolicyMiddleware<Context: RequestContext>: RouterMiddleware {
    let settings: CORSSettings

    private var allowsAllOrigins: Bool { settings.allowedOrigins.contains("*") }

    private func allowed(_ origin: String) -> Bool {
        allowsAllOrigins || settings.allowedOrigins.contains(origin)
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let origin = request.headers[.origin] else { return try await next(request, context) }
        if request.method == .options, let method = request.headers[.accessControlRequestMethod] {
            return preflight(origin: origin, method: method, requestedHeaders: request.headers[.accessControlRequestHeaders])
        }
        var response = try await next(request, context)
        if allowed(origin) { addOriginHeaders(&response.headers, origin: origin) }
        return response
    }

    private func addOriginHeaders(_ headers: inout HTTPFields, origin: String) {
        // A credentialed request may not see `*`: the origin itself is named then.
        if allowsAllOrigins && !settings.allowCredentials {
            headers[.accessControlAllowOrigin] = "*"
        } else {
            headers[.accessControlAllowOrigin] = origin
            headers.append(.init(name: .vary, value: "Origin"))
        }
        if settings.allowCredentials { headers[.accessControlAllowCredentials] = "true" }
    }

    private func preflight(origin: String, method: String, requestedHeaders: String?) -> Response {
        let methodAllowed = settings.allowedMethods.contains("*") || settings.allowedMethods.contains(method.uppercased())
        guard allowed(origin), methodAllowed else {
            return Response(status: .badRequest, headers: [.contentType: "text/plain; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(string: "Disallowed CORS \(allowed(origin) ? "method" : "origin")")))
        }
        var headers = HTTPFields()
        addOriginHeaders(&headers, origin: origin)
        headers[.accessControlAllowMethods] = settings.allowedMethods.contains("*")
            ? "DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT" : settings.allowedMethods.joined(separator: ", ")
        if settings.allowedHeaders.contains("*") {
            if let requestedHeaders { headers[.accessControlAllowHeaders] = requestedHeaders }
        } else {
            headers[.accessControlAllowHeaders] = settings.allowedHeaders.joined(separator: ", ")
        }
        headers[.accessControlMaxAge] = "600"
        return Response(status: .ok, headers: headers)
    }
}
