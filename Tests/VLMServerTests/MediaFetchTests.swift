import Testing
@testable import VLMServer

/// Images by http(s): fetched, redirects followed and checked, limits applied.
@Suite struct MediaFetchTests {
    static func imageRequest(_ url: String) -> String {
        #"{"messages":[{"role":"user","content":[{"type":"text","text":"What is this?"},{"type":"image_url","image_url":{"url":"\#(url)"}}]}]}"#
    }

    func fetch(_ path: String, configure: (inout ServerSettings) -> Void = { _ in }) async throws -> TestServer.Reply {
        let media = try await MediaTestServer.start()
        defer { Task { await media.stop() } }
        let server = try await TestServer.start(configure: configure)
        defer { Task { await server.stop() } }
        return try await server.request(.POST, "/v1/chat/completions", body: Self.imageRequest(media.baseURL + path))
    }

    @Test func imageByHTTPURL() async throws {
        let reply = try await fetch("/image.png")
        #expect(reply.status == 200, "\(reply.body)")
        #expect(reply.body.contains(#""image_tokens":2,"multimodal_tokens":{"image":2}"#))
    }

    @Test func redirectIsFollowed() async throws {
        #expect(try await fetch("/redirect").status == 200)
    }

    @Test func redirectLoopStopsAtTheLimit() async throws {
        let reply = try await fetch("/loop") { $0.mediaFetch.maxRedirects = 3 }
        #expect(reply.status == 400)
        #expect(reply.errorMessage.hasSuffix("/loop: more than 3 redirects (VLM_MEDIA_MAX_REDIRECTS)."))
    }

    @Test func missingImageIsA400WithTheHTTPStatus() async throws {
        let reply = try await fetch("/nothing.png")
        #expect(reply.status == 400)
        #expect(reply.errorMessage.hasSuffix("/nothing.png: HTTP 404 error"))
    }

    @Test func serverThatNeverAnswersTimesOut() async throws {
        let reply = try await fetch("/never") { $0.mediaFetch.imageTimeout = .milliseconds(700) }
        #expect(reply.status == 400)
        #expect(reply.errorMessage.hasPrefix("Timed out after 0.7 s fetching image URL http://127.0.0.1:"))
        #expect(reply.errorMessage.hasSuffix("/never; the limit is set by VLM_IMAGE_FETCH_TIMEOUT (seconds)."))
    }

    @Test func fileOverTheByteCapIsRefused() async throws {
        let reply = try await fetch("/big") { $0.mediaFetch.imageMaxBytes = 1 << 20 }
        #expect(reply.status == 400)
        #expect(reply.errorMessage.hasSuffix("/big is larger than 1048576 bytes, the largest media file this server accepts."))
    }

    @Test func hostOutsideTheAllowedDomainsIsRefused() async throws {
        let reply = try await fetch("/image.png") { $0.mediaFetch.allowedMediaDomains = ["example.com"] }
        #expect(reply.status == 400)
        #expect(reply.errorMessage == #"The URL must be from one of the allowed domains: ["example.com"]. Input URL domain: 127.0.0.1"#)
    }

    @Test func allowedDomainIsFetched() async throws {
        #expect(try await fetch("/image.png") { $0.mediaFetch.allowedMediaDomains = ["127.0.0.1"] }.status == 200)
    }

    @Test func environmentSetsTimeoutsAndRedirects() throws {
        var policy = MediaFetchPolicy()
        try policy.apply(environment: ["VLM_IMAGE_FETCH_TIMEOUT": "2.5", "VLLM_VIDEO_FETCH_TIMEOUT": "60", "VLM_MEDIA_MAX_REDIRECTS": "0"])
        #expect(policy.imageTimeout == .milliseconds(2500))
        #expect(policy.videoTimeout == .seconds(60))
        #expect(policy.maxRedirects == 0)
        #expect(throws: ServeConfigurationError("VLM_IMAGE_FETCH_TIMEOUT=soon is not a positive number of seconds.")) {
            try policy.apply(environment: ["VLM_IMAGE_FETCH_TIMEOUT": "soon"])
        }
    }

    @Test func dataURLWithoutSubtypeAndWithLineBreaksDecodes() throws {
        #expect(try DataURL.decode("data:image;base64,aGVs\nbG8=", maxBytes: 100) == Array("hello".utf8))
    }

    @Test func videoPartIsOneVideoItem() async throws {
        let server = try await TestServer.start()
        defer { Task { await server.stop() } }
        let video = pngDataURL(width: 28, height: 28)
        let body = #"{"messages":[{"role":"user","content":[{"type":"video_url","video_url":{"url":"\#(video)"}},{"type":"text","text":"?"}]}]}"#
        let reply = try await server.request(.POST, "/v1/chat/completions", body: body)
        #expect(reply.status == 200, "\(reply.body)")
        #expect(server.engine.submitted.first?.visionItems.map(\.kind) == [.video])
        #expect(reply.body.contains(#""multimodal_tokens":{"video":2}"#))
    }
}
