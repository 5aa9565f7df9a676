// setjmp-based error handling around libjpeg and libpng: both report fatal errors by calling a
// function that must not return, which Swift cannot provide. Each entry point returns 0 on success
// and -1 on failure with a message copied into `message`.
#ifndef CMEDIASHIM_H
#define CMEDIASHIM_H

#include <stddef.h>
#include <stdint.h>

/// Called after output row `y` has been written (rows arrive in order, top to bottom).
typedef void (*vlm_row_done)(void *context, int y);

typedef struct {
    int width;
    int height;
    /// 1 (grayscale), 3 (YCbCr/RGB) or 4 (CMYK/YCCK).
    int components;
} vlm_jpeg_info;

int vlm_jpeg_read_info(const uint8_t *data, size_t size, vlm_jpeg_info *info, char *message,
                       size_t message_size);

/// Decodes into `rows` (one pointer per output row): RGB for 1- and 3-component images (gray is
/// replicated, as Pillow's L→RGB does), raw CMYK (4 bytes per pixel) for 4-component images.
/// A truncated stream or more than `max_scans` progressive scans is an error.
int vlm_jpeg_decode(const uint8_t *data, size_t size, uint8_t *const *rows, int max_scans,
                    vlm_row_done row_done, void *context, char *message, size_t message_size);

typedef struct {
    uint32_t width;
    uint32_t height;
    int bit_depth;
    int color_type;
    int interlaced;
    /// Bytes per decoded row: samples of 1 or 2 bytes, sub-byte depths unpacked to one byte each.
    size_t row_bytes;
    int palette_size;
    uint8_t palette[256 * 3];
} vlm_png_info;

int vlm_png_read_info(const uint8_t *data, size_t size, vlm_png_info *info, char *message,
                      size_t message_size);

/// Decodes into `rows`. Gray below 8 bits is scaled to 8 bits (×255, ×85, ×17), palette indices
/// below 8 bits are unpacked, 16-bit samples stay big-endian. Interlaced images need one distinct
/// buffer per row; for others the same buffer may be passed for every row and reused in
/// `row_done`.
int vlm_png_decode(const uint8_t *data, size_t size, uint8_t *const *rows, vlm_row_done row_done,
                   void *context, char *message, size_t message_size);

#endif
