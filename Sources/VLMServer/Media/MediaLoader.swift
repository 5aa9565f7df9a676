import VLMChat
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
            let given = references.filter { $0.kind.itemKind == kind }.count
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
        let kind = reference.kind.itemKind
        let bytes = try await fetcher.fetch(reference.url, kind: kind)
        do {
            return try frontend.preprocess(FetchedMedia(kind: kind, bytes: bytes), processorOptions: processorOptions, itemOptions: reference.options)
        } catch let error as APIError {
            throw error
        } catch {
            throw APIError.badRequest("Could not use \(kind.rawValue) \(position) of the request: \(error)")
        }
    }
}

extension MediaKind {
    var itemKind: VisionItem.Kind { self == .image ? .image : .video }
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
