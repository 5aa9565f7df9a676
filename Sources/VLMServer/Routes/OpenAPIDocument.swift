import VLMJSON

/// `GET /openapi.json`: an OpenAPI 3.1 description of the routes and their main fields, for tools
/// that read it (FastAPI gives vLLM users one; clients and schema checkers expect it).
enum OpenAPIDocument {
    static func make(version: String) -> JSONValue {
        let error: JSONValue = ["$ref": "#/components/schemas/ErrorResponse"]
        func operation(_ summary: String, request: JSONValue? = nil, response: JSONValue, auth: Bool) -> JSONValue {
            var object = JSONObject([("summary", .string(summary))])
            if let request { object["requestBody"] = ["required": true, "content": ["application/json": ["schema": request]]] }
            var responses = JSONObject([("200", ["description": "Success", "content": response])])
            responses["400"] = ["description": "Invalid request", "content": ["application/json": ["schema": error]]]
            if auth { responses["401"] = ["description": "Missing or wrong API key", "content": ["application/json": ["schema": error]]] }
            object["responses"] = .object(responses)
            if auth { object["security"] = [["bearer": []]] }
            return .object(object)
        }
        let json: (JSONValue) -> JSONValue = { ["application/json": ["schema": $0]] }
        let object: JSONValue = ["type": "object"]
        let generation: JSONValue = [
            "type": "object",
            "properties": [
                "model": ["type": "string"], "n": ["type": "integer", "default": 1], "stream": ["type": "boolean", "default": false],
                "stream_options": ["type": "object", "properties": ["include_usage": ["type": "boolean"]]],
                "max_tokens": ["type": "integer"], "temperature": ["type": "number"], "top_p": ["type": "number"],
                "top_k": ["type": "integer"], "min_p": ["type": "number"], "repetition_penalty": ["type": "number"],
                "presence_penalty": ["type": "number"], "frequency_penalty": ["type": "number"], "seed": ["type": "integer"],
                "stop": ["oneOf": [["type": "string"], ["type": "array", "items": ["type": "string"]]]],
                "stop_token_ids": ["type": "array", "items": ["type": "integer"]], "ignore_eos": ["type": "boolean"],
                "min_tokens": ["type": "integer"], "skip_special_tokens": ["type": "boolean"], "priority": ["type": "integer"],
            ],
        ]
        let chat: JSONValue = ["allOf": [generation, [
            "type": "object", "required": ["messages"],
            "properties": [
                "messages": ["type": "array", "items": ["type": "object", "required": ["role"]]],
                "logprobs": ["type": "boolean"], "top_logprobs": ["type": "integer"], "max_completion_tokens": ["type": "integer"],
                "mm_processor_kwargs": object, "chat_template_kwargs": object, "add_generation_prompt": ["type": "boolean"],
            ],
        ]]]
        let completion: JSONValue = ["allOf": [generation, [
            "type": "object", "required": ["prompt"],
            "properties": ["prompt": ["oneOf": [["type": "string"], ["type": "array"]]], "logprobs": ["type": "integer"], "echo": ["type": "boolean"]],
        ]]]
        let stream: JSONValue = ["application/json": ["schema": object], "text/event-stream": ["schema": ["type": "string"]]]
        let empty: JSONValue = [:]
        return [
            "openapi": "3.1.0",
            "info": ["title": "vlm", "version": .string(version), "description": "OpenAI-compatible API for Qwen2-VL / Qwen2.5-VL."],
            "paths": [
                "/v1/chat/completions": ["post": operation("Chat completion", request: chat, response: stream, auth: true)],
                "/v1/completions": ["post": operation("Text completion", request: completion, response: stream, auth: true)],
                "/v1/models": ["get": operation("Served models", response: json(object), auth: true)],
                "/tokenize": ["post": operation("Tokenize a prompt or messages", request: object, response: json(object), auth: false)],
                "/detokenize": ["post": operation("Token ids to text", request: object, response: json(object), auth: false)],
                "/health": ["get": operation("200 while the engine works, 503 after it failed", response: empty, auth: false)],
                "/ping": ["get": operation("Same as /health", response: empty, auth: false)],
                "/version": ["get": operation("Server version", response: json(object), auth: false)],
                "/metrics": ["get": operation("Prometheus metrics", response: ["text/plain": ["schema": ["type": "string"]]], auth: false)],
            ],
            "components": [
                "securitySchemes": ["bearer": ["type": "http", "scheme": "bearer"]],
                "schemas": ["ErrorResponse": [
                    "type": "object", "required": ["error"],
                    "properties": ["error": [
                        "type": "object",
                        "properties": ["message": ["type": "string"], "type": ["type": "string"], "param": ["type": ["string", "null"]], "code": ["type": "integer"]],
                    ]],
                ]],
            ],
        ]
    }
}
