// Times inflating a PNG's image data (its IDAT chunks, one zlib stream) three ways, one thread:
// system zlib's uncompress, libdeflate's whole-buffer decompressor (when built with HAVE_LIBDEFLATE),
// and our vlm_zlib_inflate with a sink that only counts bytes. Prints the median of RUNS runs each.
// Built and run by run.sh.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>
#ifdef HAVE_LIBDEFLATE
#include <libdeflate.h>
#endif
#include "vlm_inflate.h"

static double now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static int compare(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static unsigned big_endian(const unsigned char *p) {
    return (unsigned)p[0] << 24 | (unsigned)p[1] << 16 | (unsigned)p[2] << 8 | p[3];
}

static int count_bytes(void *context, const uint8_t *data, size_t count) {
    (void)data;
    *(size_t *)context += count;
    return 0;
}

enum { RUNS = 15 };

// The input and output every decoder gets.
static unsigned char *stream, *out;
static size_t stream_size, raw_size;

static int run_zlib(void) {
    uLongf length = raw_size;
    return uncompress(out, &length, stream, stream_size) == Z_OK && length == raw_size;
}

#ifdef HAVE_LIBDEFLATE
static int run_libdeflate(void) {
    static struct libdeflate_decompressor *decompressor;
    if (!decompressor) decompressor = libdeflate_alloc_decompressor();
    size_t length;
    return libdeflate_zlib_decompress(decompressor, stream, stream_size, out, raw_size, &length) == LIBDEFLATE_SUCCESS;
}
#endif

static int run_ours(void) {
    vlm_segment segment = {stream, stream_size};
    size_t produced = 0, counted = 0;
    char message[128];
    vlm_inflate_status status =
        vlm_zlib_inflate(&segment, 1, raw_size, count_bytes, &counted, &produced, message, sizeof message);
    return status <= VLM_INFLATE_OUTPUT_FULL && counted == raw_size;
}

// Prints the median time of RUNS calls (after one untimed call), or fails if a call does.
static int time_runs(const char *label, int (*decode)(void)) {
    double times[RUNS];
    if (!decode()) {
        fprintf(stderr, "%s failed\n", label);
        return 1;
    }
    for (int r = 0; r < RUNS; r++) {
        double start = now_ms();
        decode();
        times[r] = now_ms() - start;
    }
    qsort(times, RUNS, sizeof(double), compare);
    printf("  %-18s %7.2f ms  %6.0f MB/s out\n", label, times[RUNS / 2], raw_size / times[RUNS / 2] / 1e3);
    return 0;
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: inflate_bench FILE.png\n");
        return 2;
    }
    FILE *file = fopen(argv[1], "rb");
    if (!file) {
        perror(argv[1]);
        return 1;
    }
    fseek(file, 0, SEEK_END);
    long size = ftell(file);
    fseek(file, 0, SEEK_SET);
    unsigned char *png = malloc(size);
    stream = malloc(size);
    if (fread(png, 1, size, file) != (size_t)size) {
        return 1;
    }
    fclose(file);
    for (long at = 8; at + 12 <= size; at += 12 + big_endian(png + at)) {
        if (!memcmp(png + at + 4, "IDAT", 4)) {
            memcpy(stream + stream_size, png + at + 8, big_endian(png + at));
            stream_size += big_endian(png + at);
        }
    }
    // The inflated size: rows of width × channels × depth bits plus a filter byte (non-interlaced).
    unsigned width = big_endian(png + 16), height = big_endian(png + 20);
    static const unsigned channels_of_color_type[7] = {1, 0, 3, 1, 2, 0, 4};
    unsigned channels = png[25] < 7 ? channels_of_color_type[png[25]] : 0;
    raw_size = (size_t)height * (1 + ((size_t)width * channels * png[24] + 7) / 8);
    out = malloc(raw_size);
    printf("%s: %zu bytes of zlib data → %zu bytes\n", argv[1], stream_size, raw_size);

    int failed = time_runs("zlib uncompress", run_zlib);
#ifdef HAVE_LIBDEFLATE
    failed |= time_runs("libdeflate", run_libdeflate);
#endif
    failed |= time_runs("vlm_zlib_inflate", run_ours);
    return failed;
}
