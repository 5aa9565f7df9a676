import CMediaShim

/// Swift face of CMediaShim's zlib decoder (vlm_inflate.h): the stream may be spread over several
/// buffers (PNG's IDAT chunks) and `progress` hears, on the decoding thread, how many leading bytes
/// of `buffer` are final, about every `step` bytes and at the end.
enum Inflate {
    enum Outcome: Equatable {
        /// The stream ended and its checksum matched.
        case done
        /// `buffer` filled up before the stream ended; the rest was not decoded.
        case outputFull
        /// The input ended before the stream did.
        case truncated
        /// The stream is invalid (zlib's error text).
        case corrupt(String)
    }

    /// Decodes into `buffer` (`count` bytes); returns how it ended and how many bytes were written.
    /// An error thrown by `progress` stops decoding and is rethrown.
    static func run(
        _ segments: [UnsafeRawBufferPointer], into buffer: UnsafeMutablePointer<UInt8>, count: Int, step: Int,
        progress: (Int) throws -> Void
    ) throws -> (outcome: Outcome, produced: Int) {
        let pieces = segments.map { vlm_segment(data: $0.baseAddress?.assumingMemoryBound(to: UInt8.self), size: $0.count) }
        var produced = 0
        var message = ShimMessage()
        let (status, failure) = ProgressBox.bridge(progress) { callback, context in
            message.bytes.withUnsafeMutableBufferPointer { text in
                vlm_zlib_inflate(pieces, pieces.count, buffer, count, &produced, step, callback, context, text.baseAddress, text.count)
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
    private final class ProgressBox {
        let body: (Int) throws -> Void
        var failure: Error?
        init(_ body: @escaping (Int) throws -> Void) { self.body = body }

        static func bridge<T>(
            _ body: (Int) throws -> Void, _ work: (vlm_inflate_progress, UnsafeMutableRawPointer) -> T
        ) -> (T, Error?) {
            withoutActuallyEscaping(body) { escapable in
                let box = ProgressBox(escapable)
                let result = withExtendedLifetime(box) { work(thunk, Unmanaged.passUnretained(box).toOpaque()) }
                return (result, box.failure)
            }
        }

        private static let thunk: vlm_inflate_progress = { context, produced in
            guard let context else { return 1 }
            let box = Unmanaged<ProgressBox>.fromOpaque(context).takeUnretainedValue()
            do {
                try box.body(produced)
                return 0
            } catch {
                box.failure = error
                return 1
            }
        }
    }
}
