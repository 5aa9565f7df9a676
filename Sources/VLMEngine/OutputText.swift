// The text of one choice: incremental detokenization, stop strings found across token boundaries, and
// the held-back tail that streaming must not send yet (it could be the start of a stop string).
// Follows vLLM's v1 IncrementalDetokenizer and check_stop_strings; lengths count Unicode scalars, as
// Python's `len(str)` counts code points.

/// What the engine needs from a tokenizer: the text of generated tokens as they arrive.
public protocol IncrementalDetokenizerFactory: Sendable {
    func makeDetokenizer(skipSpecialTokens: Bool) -> any IncrementalDetokenizer
}

public protocol IncrementalDetokenizer {
    /// Adds one generated token; returns the text that became final with it (it never ends inside a
    /// UTF-8 character, so it may be empty).
    mutating func add(_ tokenId: Int) -> String
}

struct OutputText {
    private var detokenizer: (any IncrementalDetokenizer)?
    private var text: [Unicode.Scalar] = []
    private var sentCount = 0
    private let stopStrings: [(string: String, scalars: [Unicode.Scalar])]
    private let includeStopString: Bool
    private let minTokens: Int
    /// Scalars held back while streaming: a stop string excluded from the output must never be sent.
    private let holdBack: Int

    init(detokenizer: (any IncrementalDetokenizer)?, sampling: SamplingParams) {
        self.detokenizer = detokenizer
        stopStrings = sampling.stop.map { ($0, Array($0.unicodeScalars)) }
        includeStopString = sampling.includeStopStrInOutput
        minTokens = sampling.minTokens
        let longest = stopStrings.map(\.scalars.count).max() ?? 0
        holdBack = (longest > 0 && !includeStopString) ? longest - 1 : 0
    }

    var fullText: String { String(String.UnicodeScalarView(text)) }

    /// Decodes a newly generated token (the `outputCount`-th). A token that ended the choice as a stop
    /// token adds no text unless stop strings are included. Returns the stop string that now ends the
    /// text, if any, after truncating the text as vLLM does.
    mutating func append(_ tokenId: Int, outputCount: Int, isStopToken: Bool) -> String? {
        if isStopToken && !includeStopString { return nil }
        guard var decoder = detokenizer else { return nil }
        let piece = Array(decoder.add(tokenId).unicodeScalars)
        detokenizer = decoder
        text.append(contentsOf: piece)
        guard outputCount > minTokens, !piece.isEmpty else { return nil }
        return truncateAtStopString(newCount: piece.count)
    }

    /// Text not sent yet; while not finished, the held-back tail stays unsent.
    mutating func takeDelta(finished: Bool) -> String {
        let end = finished ? text.count : max(0, text.count - holdBack)
        guard sentCount < end else { return "" }
        let delta = String(String.UnicodeScalarView(text[sentCount..<end]))
        sentCount = end
        return delta
    }

    /// vLLM's check_stop_strings: the first stop string (in request order) that occurs in a window
    /// covering the new text; the text ends before it, or after it when it is included.
    private mutating func truncateAtStopString(newCount: Int) -> String? {
        for stop in stopStrings {
            let start = max(0, text.count + 1 - newCount - stop.scalars.count)
            guard let index = firstIndex(of: stop.scalars, from: start) else { continue }
            let cut = includeStopString ? index + stop.scalars.count : index
            if cut < text.count { text.removeSubrange(cut...) }
            return stop.string
        }
        return nil
    }

    private func firstIndex(of pattern: [Unicode.Scalar], from start: Int) -> Int? {
        guard !pattern.isEmpty, text.count >= pattern.count else { return nil }
        var index = start
        while index + pattern.count <= text.count {
            if text[index..<index + pattern.count].elementsEqual(pattern) { return index }
            index += 1
        }
        return nil
    }
}
