import Hummingbird
import Logging

/// Turns every error into an OpenAI-style JSON body: our `APIError`s as they are, Hummingbird's own
/// (unknown route, wrong method) with their status, anything else as a logged 500.
struct ErrorBodyMiddleware<Context: RequestContext>: RouterMiddleware {
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            return try jsonResponse(error.body, status: error.status)
        } catch let error as any HTTPResponseError {
            let status = error.status
            let type = status == .notFound ? "NotFoundError" : status.code < 500 ? "BadRequestError" : "InternalServerError"
            let apiError = APIError(status: status, type: type, message: status.reasonPhrase)
            return try jsonResponse(apiError.body, status: status)
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            logger.error("Unexpected error answering \(request.method) \(request.uri.path): \(error)")
            let apiError = APIError.internalError("Internal server error: \(error)")
            return try jsonResponse(apiError.body, status: apiError.status)
        }
    }
}
