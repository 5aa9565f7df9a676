import Foundation

/// The body with its random id and clock time replaced, so whole answers can be compared exactly.
func normalized(_ body: String) -> String {
    var text = body
    for (pattern, replacement) in [(#""id":"(chatcmpl|cmpl)-[0-9a-f]+""#, #""id":"$1-ID""#), (#""created":[0-9]+"#, #""created":0"#)] {
        let regex = try! NSRegularExpression(pattern: pattern)
        text = regex.stringByReplacingMatches(in: text, range: NSRange(text.startIndex..., in: text), withTemplate: replacement)
    }
    return text
}

/// The `data:` payloads of a server-sent event stream, in order.
func eventPayloads(_ body: String) -> [String] {
    body.components(separatedBy: "\n\n").filter { !$0.isEmpty }.map { event in
        event.hasPrefix("data: ") ? String(event.dropFirst(6)) : "<not an event: \(event)>"
    }
}
