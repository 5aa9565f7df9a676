// Adler-32 (RFC 1950): s1 = 1 + sum of bytes, s2 = sum of the s1 values, both mod 65521. The AVX2
// path handles 32 bytes per step: s1 from byte sums (vpsadbw), s2 from bytes times their distance to
// the end of the step (vpmaddubsw) plus 32 × the s1 of the steps before.
#include "vlm_inflate.h"

enum { MOD = 65521, BLOCK = 5552 };  // BLOCK: most bytes before the scalar sums may overflow 32 bits

static uint32_t adler32_scalar(uint32_t adler, const uint8_t *data, size_t size) {
    uint32_t s1 = adler & 0xffff, s2 = adler >> 16;
    while (size > 0) {
        size_t n = size < BLOCK ? size : BLOCK;
        size -= n;
        while (n--) {
            s1 += *data++;
            s2 += s1;
        }
        s1 %= MOD;
        s2 %= MOD;
    }
    return s2 << 16 | s1;
}

#if defined(__AVX2__)  // x86_64 builds use -march=haswell (Package.swift)
#include <immintrin.h>

static uint32_t adler32_avx2(uint32_t adler, const uint8_t *data, size_t size) {
    uint64_t s1 = adler & 0xffff, s2 = adler >> 16;
    const __m256i weights = _mm256_setr_epi8(32, 31, 30, 29, 28, 27, 26, 25, 24, 23, 22, 21, 20, 19, 18, 17,
                                             16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1);
    const __m256i ones = _mm256_set1_epi16(1);
    const __m256i zero = _mm256_setzero_si256();
    while (size >= 32) {
        // At most 128 steps per round keeps every 32-bit lane below 2^31.
        size_t steps = size / 32 < 128 ? size / 32 : 128;
        __m256i byte_sums = zero, previous_sums = zero, weighted = zero;
        for (size_t i = 0; i < steps; i++) {
            __m256i bytes = _mm256_loadu_si256((const __m256i *)(data + 32 * i));
            previous_sums = _mm256_add_epi32(previous_sums, byte_sums);
            byte_sums = _mm256_add_epi32(byte_sums, _mm256_sad_epu8(bytes, zero));
            weighted = _mm256_add_epi32(weighted, _mm256_madd_epi16(_mm256_maddubs_epi16(bytes, weights), ones));
        }
        uint32_t lanes[8];
        uint64_t total_bytes = 0, total_previous = 0, total_weighted = 0;
        _mm256_storeu_si256((__m256i *)lanes, byte_sums);
        for (int i = 0; i < 8; i++) total_bytes += lanes[i];
        _mm256_storeu_si256((__m256i *)lanes, previous_sums);
        for (int i = 0; i < 8; i++) total_previous += lanes[i];
        _mm256_storeu_si256((__m256i *)lanes, weighted);
        for (int i = 0; i < 8; i++) total_weighted += lanes[i];
        s2 += 32 * steps * s1 + 32 * total_previous + total_weighted;
        s1 += total_bytes;
        s1 %= MOD;
        s2 %= MOD;
        data += 32 * steps;
        size -= 32 * steps;
    }
    return adler32_scalar((uint32_t)(s2 << 16 | s1), data, size);
}
#endif

uint32_t vlm_adler32(uint32_t adler, const uint8_t *data, size_t size) {
#if defined(__AVX2__)
    return adler32_avx2(adler, data, size);
#else
    return adler32_scalar(adler, data, size);
#endif
}
