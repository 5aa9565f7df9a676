// PNG row unfiltering (PNG spec §9). Sub, Average and Paeth depend on the byte one pixel to the
// left, so they run pixel by pixel; the left pixel is kept in locals instead of being read back
// from `dst`, which would wait on the store each time.
#include "vlm_inflate.h"

#include <stdlib.h>

static inline uint8_t paeth(int a, int b, int c) {
    int pa = abs(b - c), pb = abs(a - c), pc = abs(a + b - 2 * c);
    return (uint8_t)(pa <= pb && pa <= pc ? a : (pb <= pc ? b : c));
}

// `BPP` is a compile-time constant in the common cases so the per-channel locals stay in registers.
#define UNFILTER_LOOPS(BPP)                                                                        \
    do {                                                                                           \
        uint8_t left[8] = {0}, upleft[8] = {0};                                                    \
        switch (filter) {                                                                          \
        case 1:                                                                                    \
            for (size_t i = 0; i + (BPP) <= size; i += (BPP)) {                                    \
                for (int k = 0; k < (BPP); k++) {                                                  \
                    left[k] = dst[i + k] = (uint8_t)(src[i + k] + left[k]);                        \
                }                                                                                  \
            }                                                                                      \
            break;                                                                                 \
        case 3:                                                                                    \
            for (size_t i = 0; i + (BPP) <= size; i += (BPP)) {                                    \
                for (int k = 0; k < (BPP); k++) {                                                  \
                    left[k] = dst[i + k] = (uint8_t)(src[i + k] + ((left[k] + prev[i + k]) >> 1)); \
                }                                                                                  \
            }                                                                                      \
            break;                                                                                 \
        case 4:                                                                                    \
            for (size_t i = 0; i + (BPP) <= size; i += (BPP)) {                                    \
                for (int k = 0; k < (BPP); k++) {                                                  \
                    uint8_t up = prev[i + k];                                                      \
                    left[k] = dst[i + k] = (uint8_t)(src[i + k] + paeth(left[k], up, upleft[k]));  \
                    upleft[k] = up;                                                                \
                }                                                                                  \
            }                                                                                      \
            break;                                                                                 \
        }                                                                                          \
    } while (0)

int vlm_png_unfilter(int filter, const uint8_t *restrict src, uint8_t *restrict dst,
                     const uint8_t *restrict prev, size_t size, int bpp) {
    switch (filter) {
    case 0:
        for (size_t i = 0; i < size; i++) dst[i] = src[i];
        return 0;
    case 2:
        for (size_t i = 0; i < size; i++) dst[i] = (uint8_t)(src[i] + prev[i]);
        return 0;
    case 1:
    case 3:
    case 4:
        break;
    default:
        return -1;
    }
    switch (bpp) {
    case 1:
        UNFILTER_LOOPS(1);
        break;
    case 3:
        UNFILTER_LOOPS(3);
        break;
    case 4:
        UNFILTER_LOOPS(4);
        break;
    default:
        for (size_t i = 0; i < size; i++) {
            int a = i >= (size_t)bpp ? dst[i - bpp] : 0;
            int b = prev[i];
            int c = i >= (size_t)bpp ? prev[i - bpp] : 0;
            int predictor = filter == 1 ? a : (filter == 3 ? (a + b) >> 1 : paeth(a, b, c));
            dst[i] = (uint8_t)(src[i] + predictor);
        }
    }
    return 0;
}
