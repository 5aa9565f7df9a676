import Hummingbird
import VLMJSON

/// The small routes: health, version, the model list, Prometheus metrics.
struct InfoRoutes {
    let state: ServingState
    let started = unixTime()

    /// `/health` and `/ping`: 200 with an empty body while the engine works, 503 once it has failed.
    func health() -> Response {
        Response(status: state.engine.isHealthy ? .ok : .serviceUnavailable)
    }

    func version() throws -> Response {
        try jsonResponse(["version": JSONValue.string(state.settings.version)] as JSONValue)
    }

    struct ModelCard: Encodable {
        var id: String
        var object = "model"
        var created: Int
        var ownedBy = "vlm"
        var root: String
        @NullEncoded var parent: String?
        var maxModelLen: Int
        var permission: [Permission]

        struct Permission: Encodable {
            var id: String
            var object = "model_permission"
            var created: Int
            var allowCreateEngine = false
            var allowSampling = true
            var allowLogprobs = true
            var allowSearchIndices = false
            var allowView = true
            var allowFineTuning = false
            var organization = "*"
            @NullEncoded var group: String?
            var isBlocking = false

            /// Keys in vLLM's order (encoding follows this list).
            enum CodingKeys: String, CodingKey {
                case id, object, created
                case allowCreateEngine = "allow_create_engine"
                case allowSampling = "allow_sampling"
                case allowLogprobs = "allow_logprobs"
                case allowSearchIndices = "allow_search_indices"
                case allowView = "allow_view"
                case allowFineTuning = "allow_fine_tuning"
                case organization, group
                case isBlocking = "is_blocking"
            }
        }

        enum CodingKeys: String, CodingKey {
            case id, object, created
            case ownedBy = "owned_by"
            case root, parent
            case maxModelLen = "max_model_len"
            case permission
        }
    }

    struct ModelList: Encodable {
        var object = "list"
        var data: [ModelCard]
    }

    /// `/v1/models`: one card per served name.
    func models() throws -> Response {
        let cards = state.settings.servedModelNames.map { name in
            ModelCard(
                id: name, created: started, root: state.settings.modelPath, parent: nil, maxModelLen: state.engine.maxModelLen,
                permission: [.init(id: "modelperm-\(randomHexId())", created: started, group: nil)])
        }
        return try jsonResponse(ModelList(data: cards))
    }

    func metrics() -> Response {
        let text = state.metrics.exposition(engine: state.engine)
        return Response(
            status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: text)))
    }
}
