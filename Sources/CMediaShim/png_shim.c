#include "CMediaShim.h"

#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <png.h>

typedef struct {
    const uint8_t *data;
    size_t size;
    size_t offset;
    char *message;
    size_t message_size;
} source;

static void read_bytes(png_structp png, png_bytep out, png_size_t count) {
    source *src = (source *)png_get_io_ptr(png);
    if (count > src->size - src->offset) {
        png_error(png, "the file is truncated");
    }
    memcpy(out, src->data + src->offset, count);
    src->offset += count;
}

static void on_error(png_structp png, png_const_charp text) {
    source *src = (source *)png_get_error_ptr(png);
    snprintf(src->message, src->message_size, "%s", text);
    png_longjmp(png, 1);
}

// Warnings (bad ancillary chunks, unknown sRGB profiles) do not stop Pillow either.
static void on_warning(png_structp png, png_const_charp text) {
    (void)png;
    (void)text;
}

static int open_png(png_structp *png, png_infop *info, source *src) {
    *png = png_create_read_struct(PNG_LIBPNG_VER_STRING, src, on_error, on_warning);
    if (!*png) {
        snprintf(src->message, src->message_size, "out of memory");
        return -1;
    }
    *info = png_create_info_struct(*png);
    if (!*info) {
        png_destroy_read_struct(png, NULL, NULL);
        snprintf(src->message, src->message_size, "out of memory");
        return -1;
    }
    png_set_read_fn(*png, src, read_bytes);
    // Our own pixel limit is checked on the header before any row is decoded.
    png_set_user_limits(*png, 0x7fffffff, 0x7fffffff);
    // Like Pillow: the chunks before the image data are CRC-checked by the caller, the image data's
    // CRCs are not checked (its zlib checksum still is).
    png_set_crc_action(*png, PNG_CRC_QUIET_USE, PNG_CRC_QUIET_USE);
    return 0;
}

static void describe(png_structp png, png_infop info, vlm_png_info *out) {
    out->width = png_get_image_width(png, info);
    out->height = png_get_image_height(png, info);
    out->bit_depth = png_get_bit_depth(png, info);
    out->color_type = png_get_color_type(png, info);
    out->interlaced = png_get_interlace_type(png, info) != PNG_INTERLACE_NONE;
    out->palette_size = 0;
    png_colorp palette = NULL;
    int count = 0;
    if (png_get_PLTE(png, info, &palette, &count) && palette) {
        if (count > 256) {
            count = 256;
        }
        for (int i = 0; i < count; i++) {
            out->palette[3 * i] = palette[i].red;
            out->palette[3 * i + 1] = palette[i].green;
            out->palette[3 * i + 2] = palette[i].blue;
        }
        out->palette_size = count;
    }
    int channels = png_get_channels(png, info);
    size_t sample_bytes = out->bit_depth == 16 ? 2 : 1;
    out->row_bytes = (size_t)out->width * (size_t)channels * sample_bytes;
}

// Reads the header into `info_out` and, when `rows` is not NULL, decodes the pixels into it.
static int run(const uint8_t *data, size_t size, vlm_png_info *info_out, uint8_t *const *rows,
               vlm_row_done row_done, void *context, char *message, size_t message_size) {
    source src = {data, size, 0, message, message_size};
    png_structp png;
    png_infop info;
    if (open_png(&png, &info, &src) != 0) {
        return -1;
    }
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_read_struct(&png, &info, NULL);
        return -1;
    }
    png_read_info(png, info);
    if (info_out) {
        describe(png, info, info_out);
    }
    if (rows) {
        int bit_depth = png_get_bit_depth(png, info);
        int color_type = png_get_color_type(png, info);
        if (bit_depth < 8) {
            if (color_type == PNG_COLOR_TYPE_GRAY) {
                png_set_expand_gray_1_2_4_to_8(png);
            } else {
                png_set_packing(png);
            }
        }
        int passes = png_set_interlace_handling(png);
        png_read_update_info(png, info);
        uint32_t height = png_get_image_height(png, info);
        if (passes > 1) {
            png_read_image(png, (png_bytepp)rows);
            for (uint32_t y = 0; y < height; y++) {
                row_done(context, (int)y);
            }
        } else {
            for (uint32_t y = 0; y < height; y++) {
                png_read_row(png, rows[y], NULL);
                row_done(context, (int)y);
            }
        }
    }
    png_destroy_read_struct(&png, &info, NULL);
    return 0;
}

int vlm_png_read_info(const uint8_t *data, size_t size, vlm_png_info *info, char *message,
                      size_t message_size) {
    return run(data, size, info, NULL, NULL, NULL, message, message_size);
}

int vlm_png_decode(const uint8_t *data, size_t size, uint8_t *const *rows, vlm_row_done row_done,
                   void *context, char *message, size_t message_size) {
    return run(data, size, NULL, rows, row_done, context, message, message_size);
}
