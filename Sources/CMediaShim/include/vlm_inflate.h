// A zlib (RFC 1950/1951) decoder for PNG image data that hands output on as it is decoded, so the
// caller can unfilter and resize rows while the rest is still being inflated; and PNG unfiltering.
// Error texts are zlib's.
#ifndef VLM_INFLATE_H
#define VLM_INFLATE_H

#include <stddef.h>
#include <stdint.h>

/// One piece of the compressed stream (PNG spreads it over IDAT chunks).
typedef struct {
    const uint8_t *data;
    size_t size;
} vlm_segment;

/// Receives `count` new output bytes at `data` (valid only during the call); returning nonzero
/// stops decoding (`VLM_INFLATE_STOPPED`).
typedef int (*vlm_inflate_sink)(void *context, const uint8_t *data, size_t count);

typedef enum {
    /// The stream ended and its Adler-32 checksum matched.
    VLM_INFLATE_DONE = 0,
    /// `limit` bytes were produced; the rest of the stream was not decoded (PNG ignores data past
    /// the image).
    VLM_INFLATE_OUTPUT_FULL = 1,
    /// The input ended before the stream did.
    VLM_INFLATE_TRUNCATED = 2,
    /// The stream is invalid; `message` says why.
    VLM_INFLATE_CORRUPT = 3,
    /// The sink asked to stop.
    VLM_INFLATE_STOPPED = 4,
} vlm_inflate_status;

/// Inflates the zlib stream spread over `segments`, handing the output to `sink` in order, in
/// pieces of up to 64 KB, at most `limit` bytes in all. Memory use is bounded (about 300 KB).
/// `*produced` receives the number of bytes handed on. Output decoded from past the end of the
/// input is never handed on.
vlm_inflate_status vlm_zlib_inflate(const vlm_segment *segments, size_t segment_count, size_t limit,
                                    vlm_inflate_sink sink, void *context, size_t *produced,
                                    char *message, size_t message_size);

/// Adler-32 of `size` bytes continuing from `adler` (1 for a fresh checksum).
uint32_t vlm_adler32(uint32_t adler, const uint8_t *data, size_t size);

/// Reverses PNG filter `filter` (0–4) on one row of `size` bytes: `src` holds the filtered bytes,
/// `dst` (not overlapping `src`) receives the unfiltered ones, `prev` is the previous unfiltered row
/// (zeros for the first row of an image or pass); `bpp` is bytes per complete pixel (at least 1).
/// Returns -1 for an unknown filter type.
int vlm_png_unfilter(int filter, const uint8_t *src, uint8_t *dst, const uint8_t *prev, size_t size,
                     int bpp);

#endif
