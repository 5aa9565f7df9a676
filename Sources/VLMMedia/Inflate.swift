import CMediaShim

/// Swift face of CMediaShim's zlib decoder (vlm_inflate.h): the stream may be spread over several
/// buffers (PNG's IDAT chunks); `sink` receives the output in order, in pieces of up to 64 KB, on
/// the decoding thread, while decoding goes on (memory stays bounded).
enum Inflate {
    enum Outcome: Equatable {
        /// The stream ended and its checksum matched.
        case done
        /// `limit` bytes came out before the stream ended; the rest was not decoded.
        case outputFull
        /// The input ended before the stream did.
        case truncated
        /// The stream is invalid (zlib's error text).
        case corrupt(String)
    }

    /// Decodes at most `limit` bytes; returns how it ended and how many bytes `sink` received. An
    /// error thrown by `sink` stops decoding and is rethrown.
    static func run(
        _ segments: [UnsafeRawBufferPointer], limit: Int, sink: (UnsafeRawBufferPointer) throws -> Void
    ) throws -> (outcome: Outcome, produced: Int) {
        let pieces = segments.map { vlm_segment(data: $0.baseAddress?.assumingMemoryBound(to: UInt8.self), size: $0.count) }
        var produced = 0
        var message = ShimMessage()
        let (status, failure) = SinkBox.bridge(sink) { callback, context in
            message.bytes.withUnsafeMutableBufferPointer { text in
                vlm_zlib_inflate(pieces, pieces.count, limit, callback, context, &produced, text.baseAddress, text.count)
            }
        }
        if let failure { throw failure }
        switch status {
        case VLM_INFLATE_DONE: return (.done, produced)
        case VLM_INFLATE_OUTPUT_FULL: return (.outputFull, produced)
        case VLM_INFLATE_TRUNCATED: return (.truncated, produced)
        default: return (.corrupt(message.text), produced)
        }
    }

    /// Carries the throwing closure through the C `void *context`; an error stops decoding and is
    /// returned with the result.
    private final class SinkBox {
        let body: (UnsafeRawBufferPointer) throws -> Void
        var failure: Error?
        init(_ body: @escaping (UnsafeRawBufferPointer) throws -> Void) { self.body = body }

        static func bridge<T>(
            _ body: (UnsafeRawBufferPointer) throws -> Void, _ work: (vlm_inflate_sink, UnsafeMutableRawPointer) -> T
        ) -> (T, Error?) {
            withoutActuallyEscaping(body) { escapable in
                let box = SinkBox(escapable)
                let result = withExtendedLifetime(box) { work(thunk, Unmanaged.passUnretained(box).toOpaque()) }
                return (result, box.failure)
            }
        }

        private static let thunk: vlm_inflate_sink = { context, data, count in
            guard let context else { return 1 }
            let box = Unmanaged<SinkBox>.fromOpaque(context).takeUnretainedValue()
            do {
                try box.body(UnsafeRawBufferPointer(start: data, count: count))
                return 0
            } catch {
                box.failure = error
                return 1
            }
        }
    }
}
