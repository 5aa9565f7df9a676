import VLMEngine
import VLMJSON

/// Turns a request's media references into preprocessed vision items: all fetched and preprocessed at
/// once (a task each, off the event loops), results in prompt order, the first failure cancelling the rest.
struct MediaLoader: Sendable {
    let fetcher: MediaFetcher
    let frontend: any ModelFrontend
    /// `--mm-processor-kwargs`.
    let serverOptions: JSONObject
    let limits: PromptMediaLimits

    /// Refuses a prompt with more items of a kind than `--limit-mm-per-prompt` allows, before fetching.
    func checkLimits(_ references: [MediaReference]) throws {
        for kind in [VisionItem.Kind.image, .video] {
            let given = references.filter { $0.kind == kind }.count
            let limit = limits.limit(for: kind)
            if given > limit {
                throw APIError(EngineValidationError.tooManyItems(kind: kind, limit: limit, given: given))
            }
        }
    }

    func load(_ references: [MediaReference], requestOptions: JSONObject) async throws -> [VisionItem] {
        try checkLimits(references)
        return try await withThrowingTaskGroup(of: (Int, VisionItem).self) { group in
            for (index, reference) in references.enumerated() {
                group.addTask { (index, try await self.loadOne(reference, position: index + 1, requestOptions: requestOptions)) }
            }
            var items = [VisionItem?](repeating: nil, count: references.count)
            for try await (index, item) in group { items[index] = item }
            return items.compactMap { $0 }
        }
    }

    private func loadOne(_ reference: MediaReference, position: Int, requestOptions: JSONObject) async throws -> VisionItem {
        var processorOptions = serverOptions
        for (key, value) in requestOptions { processorOptions[key] = value }
        let content: FetchedMedia.Content
        if reference.isFrameList {
            var frames: [[UInt8]] = []
            for url in reference.urls { frames.append(try await fetcher.fetch(url, kind: .image)) }
            content = .frames(frames)
        } else {
            content = .encoded(try await fetcher.fetch(reference.urls.first ?? "", kind: reference.kind))
        }
        do {
            return try frontend.preprocess(
                FetchedMedia(kind: reference.kind, content: content), processorOptions: processorOptions, itemOptions: reference.overrides)
        } catch let error as APIError {
            throw error
        } catch {
            throw APIError.badRequest("Could not use \(reference.kind.rawValue) \(position) of the request: \(error)")
        }
    }
}

/// `--limit-mm-per-prompt`: most images and videos one prompt (the whole conversation) may carry.
public struct PromptMediaLimits: Sendable, Equatable {
    public var image: Int
    public var video: Int

    /// vLLM's default when the flag is not given.
    public static let vllmDefault = PromptMediaLimits(image: 999, video: 999)

    public init(image: Int, video: Int) {
        self.image = image
        self.video = video
    }

    func limit(for kind: VisionItem.Kind) -> Int { kind == .image ? image : video }
}
