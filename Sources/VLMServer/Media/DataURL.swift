#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// RFC 2397 `data:[<mediatype>][;param]*;base64,<data>` URLs, base64 only (as vLLM). The media type is
/// not trusted: the decoder looks at the bytes, so `data:image;base64,` works like `data:image/png;base64,`.
enum DataURL {
    static func isDataURL(_ url: String) -> Bool {
        url.utf8.prefix(5).map { $0 | 0x20 } == Array("data:".utf8)
    }

    static func decode(_ url: String, maxBytes: Int) throws -> [UInt8] {
        let body = url.dropFirst(5)
        guard let comma = body.firstIndex(of: ",") else {
            throw APIError.badRequest("Invalid data URL \(String(url.prefix(32)).debugDescription): missing ',' separator.")
        }
        let spec = body[..<comma]
        let encoding = spec.split(separator: ";", omittingEmptySubsequences: false).last ?? ""
        guard spec.contains(";"), encoding == "base64" else {
            throw APIError.badRequest("Only base64 data URLs are supported for now.")
        }
        let payload = body[body.index(after: comma)...]
        // Every 4 base64 characters give 3 bytes: refuse before decoding what would be too large.
        if payload.utf8.count / 4 * 3 > maxBytes + 3 {
            throw APIError.badRequest("The data URL holds more than \(maxBytes) bytes, the largest media file this server accepts.")
        }
        // Line breaks inside the payload (base64 wrapped at 76 columns) are accepted, nothing else.
        let compact = payload.utf8.contains(where: { $0 == 0x0A || $0 == 0x0D || $0 == 0x20 })
            ? String(payload.filter { !$0.isWhitespace }) : String(payload)
        guard let data = Data(base64Encoded: compact) else {
            throw APIError.badRequest("Invalid base64 in the data URL \(String(url.prefix(32)).debugDescription)...: the payload is not valid base64.")
        }
        return [UInt8](data)
    }
}
