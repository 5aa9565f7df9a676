// libFuzzer target for CMediaShim's inflate and PNG unfiltering (run by inflate_fuzz.sh): any input
// must decode or fail without a memory error, hand on no more than the limit, and say truthfully how
// much it handed on. The first two bytes pick the output limit (up to 1.5 MB, around the decoder's
// 288 KB window), the third the size of the pieces the stream is cut into (1–13 bytes).
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vlm_inflate.h"

typedef struct { size_t total, limit; } tally;
static int sink(void *ctx, const uint8_t *data, size_t count) {
    tally *t = ctx; if (count == 0 || !data) abort(); volatile uint8_t x = data[0]; (void)x; x = data[count - 1];
    t->total += count; if (t->total > t->limit) abort(); return 0;
}
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 3) return 0;
    size_t limit = ((size_t)data[0] << 8 | data[1]) * 23 + 1;
    size_t piece = data[2] % 13 + 1;
    data += 3; size -= 3;
    static vlm_segment seg[1 << 16]; size_t n = 0;
    for (size_t o = 0; o < size && n < (1 << 16); o += piece) { seg[n].data = data + o; seg[n].size = size - o < piece ? size - o : piece; n++; }
    tally t = {0, limit}; size_t produced = 0; char msg[128];
    vlm_zlib_inflate(seg, n, limit, sink, &t, &produced, msg, sizeof msg);
    if (produced != t.total) abort();
    if (size == 0) return 0;
    uint8_t filtered[64], dst[64], prev[64] = {0};
    size_t m = size < 64 ? size : 64; memcpy(filtered, data, m);
    for (int bpp = 1; bpp <= 8; bpp++) vlm_png_unfilter(data[0] % 6, filtered, dst, prev, m - m % bpp, bpp);
    return 0;
}
