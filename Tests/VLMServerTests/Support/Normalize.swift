import Foundation

/// The body with its random id and clock time replaced, so whole answers can be compared exactly.
func normalized(_ body: String) -> String {
    body.replacing(#/"id":"(chatcmpl|cmpl)-[0-9a-f]+"/#) { #""id":"\#($0.1)-ID""# }
        .replacing(#/"created":[0-9]+/#, with: #""created":0"#)
}

/// The `data:` payloads of a server-sent event stream, in order.
func eventPayloads(_ body: String) -> [String] {
    body.components(separatedBy: "\n\n").filter { !$0.isEmpty }.map { event in
        event.hasPrefix("data: ") ? String(event.dropFirst(6)) : "<not an event: \(event)>"
    }
}
