import Hummingbird

/// `--api-key`: requests under `/v1` need `Authorization: Bearer <one of the keys>`; `/health`,
/// `/metrics` and the other routes stay open, as in vLLM. CORS preflights pass (browsers send no key).
struct APIKeyMiddleware<Context: RequestContext>: RouterMiddleware {
    let keys: [String]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard !keys.isEmpty, request.uri.path.hasPrefix("/v1"), request.method != .options else {
            return try await next(request, context)
        }
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer ") else {
            throw APIError.unauthorized("Missing API key: send it as the header `Authorization: Bearer <key>`.")
        }
        let given = Array(header.utf8.dropFirst(7))
        // Compare every key in full so the time taken does not tell how much of a key matched.
        var matched = false
        for key in keys where constantTimeEqual(Array(key.utf8), given) { matched = true }
        guard matched else { throw APIError.unauthorized("Invalid API key.") }
        return try await next(request, context)
    }

    private func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }
}
