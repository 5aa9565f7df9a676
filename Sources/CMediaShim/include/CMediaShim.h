// setjmp-based error handling around libjpeg, which reports fatal errors by calling a function that
// must not return, which Swift cannot provide. Each entry point returns 0 on success and -1 on
// failure with a message copied into `message`. Also: the PNG image data decoder (vlm_inflate.h).
#ifndef CMEDIASHIM_H
#define CMEDIASHIM_H

#include <stddef.h>
#include <stdint.h>

#include "vlm_inflate.h"

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

#endif
