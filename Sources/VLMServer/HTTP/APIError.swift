import Hummingbird
import VLMEngine
import VLMJSON

/// An error answered in OpenAI's shape, `{"error":{"message","type","param","code"}}`, which the `openai`
/// client turns into its `BadRequestError`, `AuthenticationError`, `NotFoundError` ... by status.
public struct APIError: Error, Equatable, Sendable, CustomStringConvertible {
    public var status: HTTPResponse.Status
    public var type: String
    public var message: String
    public var param: String?

    public init(status: HTTPResponse.Status, type: String, message: String, param: String? = nil) {
        self.status = status
        self.type = type
        self.message = message
        self.param = param
    }

    public var description: String { "\(status.code) \(type): \(message)" }

    public static func badRequest(_ message: String, param: String? = nil) -> APIError {
        APIError(status: .badRequest, type: "BadRequestError", message: message, param: param)
    }

    public static func modelNotFound(_ name: String) -> APIError {
        APIError(status: .notFound, type: "NotFoundError", message: "The model `\(name)` does not exist.", param: "model")
    }

    public static func unauthorized(_ message: String) -> APIError {
        APIError(status: .unauthorized, type: "AuthenticationError", message: message)
    }

    public static func internalError(_ message: String) -> APIError {
        APIError(status: .internalServerError, type: "InternalServerError", message: message)
    }

    public static let engineDead = APIError(
        status: .serviceUnavailable, type: "ServiceUnavailableError",
        message: "The engine has failed and cannot take requests; see the server log for the cause and restart the server.")

    /// The engine's refusal of a request before queueing it (vLLM's wording).
    public init(_ validation: EngineValidationError) {
        switch validation {
        case .invalidSampling(let parameter, _):
            self = .badRequest(validation.description, param: parameter)
        case .contextTooLong, .promptTooLong:
            self = .badRequest(validation.description, param: "messages")
        case .tooManyItems, .invalidRequest:
            self = .badRequest(validation.description)
        }
    }

    /// A body that parsed as JSON but does not fit the request's fields.
    init(_ decoding: DecodingError) {
        switch decoding {
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            let path = codingPathDescription(context.codingPath)
            self = .badRequest("Invalid request: `\(path.isEmpty ? "body" : path)`: \(context.debugDescription)", param: path.isEmpty ? nil : path)
        case .keyNotFound(let key, let context):
            let path = codingPathDescription(context.codingPath + [key])
            self = .badRequest("Invalid request: `\(path)`: field required", param: path)
        @unknown default:
            self = .badRequest("Invalid request: \(decoding)")
        }
    }

    struct Body: Encodable {
        struct Info: Encodable {
            var message: String
            var type: String
            @NullEncoded var param: String?
            var code: Int
        }
        var error: Info
    }

    var body: Body { Body(error: .init(message: message, type: type, param: param, code: status.code)) }
}

extension APIError: HTTPResponseError {
    public func response(from request: Request, context: some RequestContext) throws -> Response {
        try jsonResponse(body, status: status)
    }
}
