import CFFmpeg

#if canImport(Glibc)
    import Glibc
#endif

/// Where a video comes from: a file path or bytes in memory (read through a custom AVIOContext).
public enum VideoInput: Sendable {
    case file(String)
    case bytes([UInt8])
}

/// An open demuxer; closing it frees the format context and, for memory input, the IO context.
final class OpenedVideo {
    private(set) var format: UnsafeMutablePointer<AVFormatContext>?
    private var io: UnsafeMutablePointer<AVIOContext>?
    private let reader: MemoryReader?

    init(_ input: VideoInput) throws {
        var context = avformat_alloc_context()
        guard context != nil else { throw MediaError.corruptVideo(detail: "out of memory") }
        var path: String?
        switch input {
        case .file(let file):
            path = file
            reader = nil
        case .bytes(let bytes):
            let memory = MemoryReader(bytes)
            reader = memory
            let bufferSize = 1 << 16
            guard let buffer = av_malloc(bufferSize)?.assumingMemoryBound(to: UInt8.self),
                let io = avio_alloc_context(
                    buffer, Int32(bufferSize), 0, Unmanaged.passUnretained(memory).toOpaque(), MemoryReader.read, nil,
                    MemoryReader.seek)
            else {
                avformat_free_context(context)
                throw MediaError.corruptVideo(detail: "out of memory")
            }
            self.io = io
            context?.pointee.pb = io
            context?.pointee.flags |= AVFMT_FLAG_CUSTOM_IO
        }
        let opened = avformat_open_input(&context, path, nil, nil)
        guard opened >= 0 else {
            // avformat_open_input frees the context on failure.
            freeIO()
            throw MediaError.corruptVideo(detail: VideoDecoder.message(opened))
        }
        format = context
        let found = avformat_find_stream_info(context, nil)
        guard found >= 0 else {
            close()
            throw MediaError.corruptVideo(detail: VideoDecoder.message(found))
        }
    }

    deinit { close() }

    private func close() {
        avformat_close_input(&format)
        freeIO()
    }

    private func freeIO() {
        if let context = io {
            av_freep(&context.pointee.buffer)
            avio_context_free(&io)
        }
    }
}

/// Read position over bytes in memory, for the custom AVIOContext callbacks.
final class MemoryReader {
    let bytes: [UInt8]
    var offset = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    static let read: @convention(c) (UnsafeMutableRawPointer?, UnsafeMutablePointer<UInt8>?, Int32) -> Int32 = {
        opaque, buffer, size in
        guard let opaque, let buffer else { return -EINVAL }
        let reader = Unmanaged<MemoryReader>.fromOpaque(opaque).takeUnretainedValue()
        let n = min(Int(size), reader.bytes.count - reader.offset)
        guard n > 0 else { return VideoDecoder.endOfFile }
        reader.bytes.withUnsafeBufferPointer { source in
            if let base = source.baseAddress { buffer.update(from: base + reader.offset, count: n) }
        }
        reader.offset += n
        return Int32(n)
    }

    static let seek: @convention(c) (UnsafeMutableRawPointer?, Int64, Int32) -> Int64 = { opaque, offset, whence in
        guard let opaque else { return -1 }
        let reader = Unmanaged<MemoryReader>.fromOpaque(opaque).takeUnretainedValue()
        let count = Int64(reader.bytes.count)
        if whence & AVSEEK_SIZE != 0 { return count }
        let base: Int64
        switch whence & ~AVSEEK_FORCE {
        case SEEK_SET: base = 0
        case SEEK_CUR: base = Int64(reader.offset)
        case SEEK_END: base = count
        default: return -1
        }
        let target = base + offset
        guard target >= 0, target <= count else { return -1 }
        reader.offset = Int(target)
        return target
    }
}
