import VLMJSON
import VLMTemplate

/// transformers' `continue_final_message`: a marker is appended to the last message's text (its string
/// content, or its last part with text), the chat is rendered, and the prompt is cut where the marker
/// lands, so it ends inside the final message.
enum FinalMessageContinuation {
    static let tag = "CONTINUE_FINAL_MESSAGE_TAG "

    /// Appends the marker to the last message; returns that message's text before the marker.
    static func mark(_ messages: inout [JSONObject], templateText: String, addGenerationPrompt: Bool) throws -> String {
        if addGenerationPrompt {
            throw ChatInputError("continue_final_message and add_generation_prompt are not compatible: the first continues the "
                + "final message, the second starts a new assistant message")
        }
        guard var last = messages.popLast() else { throw ChatInputError("continue_final_message is set but the conversation is empty") }
        defer { messages.append(last) }
        guard let content = last["content"] else {
            throw ChatInputError("continue_final_message is set but the final message has no \"content\" to continue")
        }
        guard templateText.contains("content") else {
            throw ChatInputError("continue_final_message is set but the chat template never reads \"content\"")
        }
        switch content {
        case .string(let text):
            last["content"] = .string(text + tag)
            return text
        case .array(var parts):
            guard let index = parts.lastIndex(where: { $0.objectValue?.contains("text") == true }),
                  var part = parts[index].objectValue else {
                throw ChatInputError("continue_final_message is set but the final message has no text to continue")
            }
            let text = part["text"]?.stringValue ?? ""
            part["text"] = .string(text + tag)
            parts[index] = .object(part)
            last["content"] = .array(parts)
            return text
        default:
            throw ChatInputError("continue_final_message is set but the final message's content is not text")
        }
    }

    /// The rendered prompt up to the marker (also dropping trailing whitespace when the template trimmed
    /// the marker's own space).
    static func cut(_ rendered: String, finalMessage: String) throws -> String {
        let bareTag = PythonStrings.strip(tag)
        let message = PythonStrings.strip(finalMessage)
        guard message.isEmpty || rendered.utf8.firstRange(of: message.utf8) != nil,
              let range = lastRange(of: bareTag, in: rendered) else {
            throw ChatInputError("continue_final_message is set but the final message does not appear in the rendered chat "
                + "(the chat template changed or dropped it)")
        }
        let before = String(decoding: rendered.utf8[..<range.lowerBound], as: UTF8.self)
        if rendered.utf8[range.lowerBound...].starts(with: tag.utf8) { return before }
        return PythonStrings.strip(before, leading: false)
    }

    private static func lastRange(of needle: String, in text: String) -> Range<String.UTF8View.Index>? {
        let haystack = text.utf8
        var found: Range<String.UTF8View.Index>?
        var start = haystack.startIndex
        while let range = haystack[start...].firstRange(of: needle.utf8) {
            found = range
            start = haystack.index(after: range.lowerBound)
        }
        return found
    }
}
