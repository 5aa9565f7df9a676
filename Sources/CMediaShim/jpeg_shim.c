#include "CMediaShim.h"

#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <jpeglib.h>
#include <jerror.h>

typedef struct {
    struct jpeg_error_mgr base;
    jmp_buf jump;
    char *message;
    size_t message_size;
} error_state;

typedef struct {
    struct jpeg_progress_mgr base;
    int max_scans;
} scan_limit;

static void fail(j_common_ptr cinfo) {
    error_state *state = (error_state *)cinfo->err;
    char text[JMSG_LENGTH_MAX];
    (*cinfo->err->format_message)(cinfo, text);
    snprintf(state->message, state->message_size, "%s", text);
    longjmp(state->jump, 1);
}

// Warnings are ignored, as Pillow does, except running out of data: Pillow refuses a truncated file.
static void on_message(j_common_ptr cinfo, int level) {
    if (level < 0 && cinfo->err->msg_code == JWRN_JPEG_EOF) {
        fail(cinfo);
    }
}

// A progressive file with thousands of tiny scans costs quadratic time: refuse it.
static void on_progress(j_common_ptr cinfo) {
    scan_limit *limit = (scan_limit *)cinfo->progress;
    if (cinfo->is_decompressor && ((j_decompress_ptr)cinfo)->input_scan_number > limit->max_scans) {
        error_state *state = (error_state *)cinfo->err;
        snprintf(state->message, state->message_size, "more than %d progressive scans", limit->max_scans);
        longjmp(state->jump, 1);
    }
}

// Reads the header into `info` and, when `rows` is not NULL, decodes the pixels into it.
static int run(const uint8_t *data, size_t size, vlm_jpeg_info *info, uint8_t *const *rows,
               int max_scans, vlm_row_done row_done, void *context, char *message,
               size_t message_size) {
    struct jpeg_decompress_struct cinfo;
    error_state state;
    scan_limit limit;
    cinfo.err = jpeg_std_error(&state.base);
    state.base.error_exit = fail;
    state.base.emit_message = on_message;
    state.message = message;
    state.message_size = message_size;
    if (setjmp(state.jump)) {
        jpeg_destroy_decompress(&cinfo);
        return -1;
    }
    jpeg_create_decompress(&cinfo);
    limit.base.progress_monitor = on_progress;
    limit.max_scans = max_scans;
    cinfo.progress = &limit.base;
    jpeg_mem_src(&cinfo, data, (unsigned long)size);
    jpeg_read_header(&cinfo, TRUE);
    if (info) {
        info->width = (int)cinfo.image_width;
        info->height = (int)cinfo.image_height;
        info->components = cinfo.num_components;
    }
    if (rows) {
        cinfo.out_color_space = cinfo.num_components == 4 ? JCS_CMYK : JCS_RGB;
        jpeg_start_decompress(&cinfo);
        while (cinfo.output_scanline < cinfo.output_height) {
            int y = (int)cinfo.output_scanline;
            JSAMPROW row = rows[y];
            jpeg_read_scanlines(&cinfo, &row, 1);
            row_done(context, y);
        }
        jpeg_finish_decompress(&cinfo);
    }
    jpeg_destroy_decompress(&cinfo);
    return 0;
}

int vlm_jpeg_read_info(const uint8_t *data, size_t size, vlm_jpeg_info *info, char *message,
                       size_t message_size) {
    return run(data, size, info, NULL, 1 << 30, NULL, NULL, message, message_size);
}

int vlm_jpeg_decode(const uint8_t *data, size_t size, uint8_t *const *rows, int max_scans,
                    vlm_row_done row_done, void *context, char *message, size_t message_size) {
    return run(data, size, NULL, rows, max_scans, row_done, context, message, message_size);
}
