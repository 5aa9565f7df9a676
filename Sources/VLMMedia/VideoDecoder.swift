import CFFmpeg

#if canImport(Glibc)
    import Glibc
#endif

/// Reads a video with Debian's FFmpeg libraries: stream facts first (frame count, frame rate,
/// size), then the frames at chosen indices as RGB. Colour conversion is libswscale's default
/// YUV→RGB24, the conversion decord, PyAV and the ffmpeg CLI all produce.
final class VideoDecoder {
    let frameCount: Int
    let fps: Double
    let width: Int
    let height: Int

    private let opened: OpenedVideo
    private var codec: UnsafeMutablePointer<AVCodecContext>?
    private let stream: Int32

    init(_ input: VideoInput, limits: MediaLimits) throws {
        opened = try OpenedVideo(input)
        guard let format = opened.format else { throw MediaError.corruptVideo(detail: "the container cannot be opened") }
        var decoder: UnsafePointer<AVCodec>?
        stream = av_find_best_stream(format, AVMEDIA_TYPE_VIDEO, -1, -1, &decoder, 0)
        guard stream >= 0, let decoder, let info = format.pointee.streams[Int(stream)] else {
            throw MediaError.corruptVideo(detail: "no decodable video stream")
        }
        width = Int(info.pointee.codecpar.pointee.width)
        height = Int(info.pointee.codecpar.pointee.height)
        let rate = info.pointee.avg_frame_rate.num > 0 ? info.pointee.avg_frame_rate : info.pointee.r_frame_rate
        fps = rate.num > 0 && rate.den > 0 ? Double(rate.num) / Double(rate.den) : 0
        let declared = Int(info.pointee.nb_frames)
        frameCount = declared > 0 ? declared : try Self.countFrames(input, stream: stream, limit: limits.maxVideoFrames)
        codec = avcodec_alloc_context3(decoder)
        guard fps > 0 else { throw MediaError.corruptVideo(detail: "the stream declares no frame rate") }
        guard width > 0, height > 0 else { throw MediaError.corruptVideo(detail: "the stream declares no frame size") }
        try limits.checkPixelCount(width: width, height: height)
        if frameCount > limits.maxVideoFrames {
            throw MediaError.tooManyVideoFrames(frames: frameCount, limit: limits.maxVideoFrames)
        }
        let seconds = Double(frameCount) / fps
        if seconds > limits.maxVideoSeconds { throw MediaError.videoTooLong(seconds: seconds, limit: limits.maxVideoSeconds) }
        guard let codec, avcodec_parameters_to_context(codec, info.pointee.codecpar) >= 0 else {
            throw MediaError.corruptVideo(detail: "cannot set up the decoder")
        }
        codec.pointee.thread_count = Int32(ParallelRows.threads)
        guard avcodec_open2(codec, decoder, nil) >= 0 else { throw MediaError.corruptVideo(detail: "cannot open the decoder") }
    }

    deinit { avcodec_free_context(&codec) }

    /// Counts the stream's packets (one per frame) when the container declares no count, stopping
    /// past `limit`.
    private static func countFrames(_ input: VideoInput, stream: Int32, limit: Int) throws -> Int {
        let counting = try OpenedVideo(input)
        var packet = av_packet_alloc()
        defer { av_packet_free(&packet) }
        guard let format = counting.format, let packet else { return 0 }
        var count = 0
        while count <= limit, av_read_frame(format, packet) >= 0 {
            if packet.pointee.stream_index == stream { count += 1 }
            av_packet_unref(packet)
        }
        return count
    }

    /// Decodes frames in order and converts those whose index is in `wanted` (sorted, may repeat).
    func frames(at wanted: [Int]) throws -> [RGBImage] {
        guard let format = opened.format, let codec else { throw MediaError.corruptVideo(detail: "the decoder is closed") }
        var packet = av_packet_alloc()
        var frame = av_frame_alloc()
        defer {
            av_packet_free(&packet)
            av_frame_free(&frame)
        }
        guard let packet, let frame else { throw MediaError.corruptVideo(detail: "out of memory") }
        var converted: [Int: RGBImage] = [:]
        let needed = Set(wanted)
        var index = 0
        var scaler: OpaquePointer?
        defer { sws_freeContext(scaler) }

        func drain() throws {
            while true {
                let status = avcodec_receive_frame(codec, frame)
                if status == -EAGAIN || status == Self.endOfFile { return }
                guard status >= 0 else { throw MediaError.corruptVideo(detail: Self.message(status)) }
                if needed.contains(index) { converted[index] = try convert(frame, scaler: &scaler) }
                index += 1
                av_frame_unref(frame)
            }
        }
        while converted.count < needed.count, av_read_frame(format, packet) >= 0 {
            defer { av_packet_unref(packet) }
            guard packet.pointee.stream_index == stream else { continue }
            let status = avcodec_send_packet(codec, packet)
            guard status >= 0 || status == -EAGAIN else { throw MediaError.corruptVideo(detail: Self.message(status)) }
            try drain()
        }
        if converted.count < needed.count {
            avcodec_send_packet(codec, nil)
            try drain()
        }
        return try wanted.map { i in
            guard let image = converted[i] else {
                throw MediaError.corruptVideo(detail: "frame \(i) is missing: the stream ends after \(index) frames")
            }
            return image
        }
    }

    private func convert(_ frame: UnsafeMutablePointer<AVFrame>, scaler: inout OpaquePointer?) throws -> RGBImage {
        guard Int(frame.pointee.width) == width, Int(frame.pointee.height) == height else {
            throw MediaError.mismatchedFrameSizes(
                first: "\(width)×\(height)", other: "\(frame.pointee.width)×\(frame.pointee.height)", index: 0)
        }
        scaler = sws_getCachedContext(
            scaler, Int32(width), Int32(height), AVPixelFormat(frame.pointee.format), Int32(width), Int32(height),
            AV_PIX_FMT_RGB24, SWS_BICUBIC, nil, nil, nil)
        guard let scaler else { throw MediaError.corruptVideo(detail: "unsupported pixel format \(frame.pointee.format)") }
        // swscale's SIMD converters write whole vectors, past the row end for widths that are not
        // a multiple of 16: convert into padded rows, then copy the pixels out.
        let stride = (3 * width + 63) / 64 * 64
        var padded = [UInt8](repeating: 0, count: stride * height + 64)
        padded.withUnsafeMutableBufferPointer { buffer in
            // sws_scale reads four plane pointers and strides even for packed RGB.
            var destination: [UnsafeMutablePointer<UInt8>?] = [buffer.baseAddress, nil, nil, nil]
            var destinationStride: [Int32] = [Int32(stride), 0, 0, 0]
            withUnsafePointer(to: &frame.pointee.data) { planes in
                withUnsafePointer(to: &frame.pointee.linesize) { strides in
                    planes.withMemoryRebound(to: UnsafePointer<UInt8>?.self, capacity: 8) { source in
                        strides.withMemoryRebound(to: Int32.self, capacity: 8) { sourceStride in
                            _ = sws_scale(scaler, source, sourceStride, 0, Int32(height), &destination, &destinationStride)
                        }
                    }
                }
            }
        }
        return RGBImage(width: width, height: height) { out in
            padded.withUnsafeBufferPointer { buffer in
                guard let base = buffer.baseAddress else { return }
                for y in 0..<height { (out + 3 * width * y).update(from: base + stride * y, count: 3 * width) }
            }
        }
    }

    /// AVERROR_EOF: FFERRTAG('E', 'O', 'F', ' ').
    static let endOfFile: Int32 = -Int32(bitPattern: UInt32(0x45) | UInt32(0x4F) << 8 | UInt32(0x46) << 16 | UInt32(0x20) << 24)

    static func message(_ status: Int32) -> String {
        var text = [CChar](repeating: 0, count: 128)
        av_strerror(status, &text, text.count)
        return String(cString: text)
    }
}
