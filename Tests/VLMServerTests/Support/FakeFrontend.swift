import VLMChat
import VLMEngine
import VLMJSON
import VLMServer

/// A model frontend small enough to read: one token per UTF-8 byte (ids 0...255) plus six special
/// tokens, a ChatML-like template, and an image "processor" that reads only the size from PNG, JPEG
/// or PPM headers and gives one token per 28×28 block (`max_pixels` caps it, as the real one's budget;
/// a video is two frames of its first image).
struct FakeFrontend: ModelFrontend {
    static let specials = ["<|image_pad|>", "<|video_pad|>", "<|vision_start|>", "<|vision_end|>", "<|im_start|>", "<|im_end|>"]
    var imagePadTokenId: Int { 256 }
    var videoPadTokenId: Int { 257 }

    struct Failure: Error, CustomStringConvertible { let description: String }

    func renderChat(_ messages: [ChatMessage], options: ChatRenderOptions) throws -> String {
        var text = ""
        for message in messages {
            if message.role == .tool { throw Failure(description: "this template does not support tool messages") }
            text += "<|im_start|>\(message.role.rawValue)\n"
            switch message.content {
            case .text(let content): text += content
            case .parts(let parts):
                for part in parts {
                    switch part {
                    case .text(let content): text += content
                    case .media(let reference):
                        text += "<|vision_start|><|\(reference.kind == .image ? "image" : "video")_pad|><|vision_end|>"
                    }
                }
            case .absent: break
            }
            text += "<|im_end|>\n"
        }
        if options.addGenerationPrompt { text += "<|im_start|>assistant\n" }
        return text
    }

    func encode(_ text: String, addSpecialTokens: Bool) throws -> [Int] {
        var ids: [Int] = []
        var rest = Substring(text)
        outer: while !rest.isEmpty {
            for (offset, special) in Self.specials.enumerated() where rest.hasPrefix(special) {
                ids.append(256 + offset)
                rest = rest.dropFirst(special.count)
                continue outer
            }
            ids.append(contentsOf: String(rest.prefix(1)).utf8.map(Int.init))
            rest = rest.dropFirst()
        }
        return ids
    }

    func decode(_ tokenIds: [Int], skipSpecialTokens: Bool) throws -> String {
        var bytes: [UInt8] = []
        for id in tokenIds {
            switch id {
            case 0..<256: bytes.append(UInt8(id))
            case 256..<(256 + Self.specials.count): if !skipSpecialTokens { bytes += Array(Self.specials[id - 256].utf8) }
            default: throw Failure(description: "Token id \(id) is out of vocabulary")
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    func preprocess(_ media: FetchedMedia, processorOptions: JSONObject, itemOptions: MediaOptions) throws -> VisionItem {
        guard let (width, height) = Self.imageSize(media.bytes) else { throw Failure(description: "cannot identify image file") }
        var blocks = ((height + 27) / 28) * ((width + 27) / 28)
        if let maxPixels = itemOptions.maxPixels ?? processorOptions["max_pixels"]?.intValue { blocks = max(1, min(blocks, maxPixels / 784)) }
        let frames = media.kind == .video ? 2 : 1
        return VisionItem(kind: media.kind, patches: [], grid: (frames, 2, 2 * blocks), contentHash: "\(media.bytes.count)-\(blocks)")
    }

    static func imageSize(_ bytes: [UInt8]) -> (Int, Int)? {
        func be(_ at: Int, _ count: Int) -> Int { bytes[at..<at + count].reduce(0) { $0 << 8 | Int($1) } }
        if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]), bytes.count >= 24 { return (be(16, 4), be(20, 4)) }
        if bytes.starts(with: [0xFF, 0xD8]) {
            var index = 2
            while index + 9 < bytes.count, bytes[index] == 0xFF {
                let marker = bytes[index + 1]
                if (0xC0...0xC3).contains(marker) { return (be(index + 7, 2), be(index + 5, 2)) }
                index += 2 + be(index + 2, 2)
            }
            return nil
        }
        if bytes.starts(with: Array("P6\n".utf8)) {
            let fields = String(decoding: bytes.prefix(32), as: UTF8.self).split(whereSeparator: \.isWhitespace)
            if fields.count >= 3, let width = Int(fields[1]), let height = Int(fields[2]) { return (width, height) }
        }
        return nil
    }
}
