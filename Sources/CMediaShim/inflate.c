// zlib stream decoder (RFC 1950 wrapper, RFC 1951 deflate). Output goes into a window buffer that
// back-references read directly; as it fills, new bytes go to the caller's sink and the last 32 KB
// slide to the front, so memory stays bounded whatever the output size. Huffman codes are decoded
// with a table indexed by the next `root` bits of a 64-bit bit buffer; longer codes go through a
// second-level table. Validity rules and error texts follow zlib's inflate.
#include "vlm_inflate.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the bit reader loads little-endian words"
#endif

// A table entry: bits 0-3 code length, 4-7 flags, 8-15 extra bits to read (or, for a subtable
// link, the subtable's index bits), 16-31 the value (literal, length or distance base, or the
// subtable's offset). A literal entry may hold two literals whose codes together fit the main
// table's index (E_PAIR, bit 8): bits 16-23 the first, 24-31 the second, the length both codes'.
enum {
    E_LITERAL = 0x10,
    E_END = 0x20,
    E_SUBTABLE = 0x40,
    E_INVALID = 0x80,
    E_PAIR = 0x100,
};

enum { LITLEN_ROOT = 12, DIST_ROOT = 8, CODELEN_ROOT = 7 };
// Main table plus at most one subtable per long code (of at most 2^(15 - root) entries).
enum { LITLEN_TABLE_SIZE = (1 << LITLEN_ROOT) + 288 * (1 << (15 - LITLEN_ROOT)) };
enum { DIST_TABLE_SIZE = (1 << DIST_ROOT) + 32 * (1 << (15 - DIST_ROOT)) };

enum {
    HISTORY = 32768,  // the farthest a deflate distance reaches
    SYMBOL_ROOM = 258 + 8,  // the longest match plus the slack of 8-byte copies
    SINK_STEP = 65536,  // new output is handed on about this often
    WINDOW_CAPACITY = HISTORY + 4 * SINK_STEP,
};

typedef enum { CODES, LENS, DISTS } code_kind;

static const uint16_t length_base[29] = {3,  4,  5,  6,  7,  8,  9,  10, 11,  13,  15,  17,  19,  23, 27,
                                         31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258};
static const uint8_t length_extra[29] = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2,
                                         2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0};
static const uint16_t dist_base[30] = {1,    2,    3,    4,    5,    7,     9,     13,    17,  25,
                                       33,   49,   65,   97,   129,  193,   257,   385,   513, 769,
                                       1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577};
static const uint8_t dist_extra[30] = {0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6,
                                       6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13};
static const uint8_t codelen_order[19] = {16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15};

typedef struct {
    const vlm_segment *segments;
    size_t segment_count;
    size_t segment;
    const uint8_t *in;
    const uint8_t *in_end;
    uint64_t bits;
    unsigned bit_count;
    /// Zero bytes fed to the bit buffer after the input ended; consuming any of them means the
    /// stream was truncated.
    size_t overrun;

    /// The output window: history (up to 32 KB), then new bytes; `pos` is the next write.
    uint8_t *out;
    size_t capacity;
    size_t pos;
    /// Output bytes that slid out before out[0], and the most the caller wants in total.
    size_t base;
    size_t limit;
    /// out[0..<flushed] has been checksummed and handed on; `service` runs when pos reaches
    /// `check_at`, which stays at least SYMBOL_ROOM below `capacity` while more output is wanted.
    size_t flushed;
    size_t check_at;
    uint32_t adler;
    vlm_inflate_sink sink;
    void *context;

    const char *error;
    uint32_t litlen[LITLEN_TABLE_SIZE];
    uint32_t dist[DIST_TABLE_SIZE];
} inflater;

static int consumed_overrun(const inflater *s) { return s->overrun * 8 > s->bit_count; }

// Moves to the next non-empty segment when the current one is used up (the last one stays current).
static void next_segment_if_empty(inflater *s) {
    while (s->in == s->in_end && s->segment + 1 < s->segment_count) {
        s->segment++;
        s->in = s->segments[s->segment].data;
        s->in_end = s->in + s->segments[s->segment].size;
    }
}

// Byte-wise refill at the end of a segment or of the input; returns -1 once bits past the end of
// the input have been consumed.
static int refill_slow(inflater *s) {
    // A wide load may have put bytes above `bit_count`; they are added again below.
    s->bits &= s->bit_count ? (~0ULL >> (64 - s->bit_count)) : 0;
    while (s->bit_count < 56) {
        next_segment_if_empty(s);
        uint8_t byte = 0;
        if (s->in < s->in_end) {
            byte = *s->in++;
        } else {
            s->overrun++;
        }
        s->bits |= (uint64_t)byte << s->bit_count;
        s->bit_count += 8;
    }
    return consumed_overrun(s) ? -1 : 0;
}

// The bit reader's state lives in locals inside each decoding function (kept in registers rather
// than re-read through `s` for every symbol): LOAD_STATE at the start, SAVE_STATE before leaving.
#define LOAD_STATE(s)                                                                              \
    uint64_t bits = (s)->bits;                                                                     \
    unsigned bit_count = (s)->bit_count;                                                           \
    const uint8_t *in = (s)->in;                                                                   \
    const uint8_t *in_end = (s)->in_end
#define SAVE_STATE(s)                                                                              \
    do {                                                                                           \
        (s)->bits = bits;                                                                          \
        (s)->bit_count = bit_count;                                                                \
        (s)->in = in;                                                                              \
        (s)->in_end = in_end;                                                                      \
    } while (0)
#define RETURN(s, status)                                                                          \
    do {                                                                                           \
        SAVE_STATE(s);                                                                             \
        return (status);                                                                           \
    } while (0)

// Tops the bit buffer up to at least 56 bits. The wide load reads 8 bytes but counts only the
// whole bytes that fit; the rest are loaded again, to the same positions, next time.
#define REFILL(s)                                                                                  \
    do {                                                                                           \
        if (in_end - in >= 8) {                                                                    \
            uint64_t word_;                                                                        \
            memcpy(&word_, in, 8);                                                                 \
            bits |= word_ << bit_count;                                                            \
            in += (63 - bit_count) >> 3;                                                           \
            bit_count |= 56;                                                                       \
        } else {                                                                                   \
            SAVE_STATE(s);                                                                         \
            int overrun_ = refill_slow(s);                                                         \
            bits = (s)->bits;                                                                      \
            bit_count = (s)->bit_count;                                                            \
            in = (s)->in;                                                                          \
            in_end = (s)->in_end;                                                                  \
            if (overrun_ != 0) {                                                                   \
                return VLM_INFLATE_TRUNCATED;                                                      \
            }                                                                                      \
        }                                                                                          \
    } while (0)

#define PEEK(n) ((uint32_t)(bits & ((1ULL << (n)) - 1)))
#define CONSUME(n)                                                                                 \
    do {                                                                                           \
        bits >>= (n);                                                                              \
        bit_count -= (n);                                                                          \
    } while (0)
#define FAIL(s, error) RETURN(s, fail(s, error))

// An error, unless the bits that led to it were past the end of the input.
static vlm_inflate_status fail(inflater *s, const char *error) {
    if (consumed_overrun(s)) {
        return VLM_INFLATE_TRUNCATED;
    }
    s->error = error;
    return VLM_INFLATE_CORRUPT;
}

static unsigned reverse_bits(unsigned code, unsigned length) {
    unsigned reversed = 0;
    for (unsigned i = 0; i < length; i++) {
        reversed = (reversed << 1) | ((code >> i) & 1);
    }
    return reversed;
}

// Fills `table` for the canonical code given by `lens`; `entries[symbol]` is the symbol's entry
// without its length. zlib's rules: an over-subscribed code is invalid; an incomplete one is valid
// only if it is a single 1-bit code (literal/length and distance codes) or empty.
static int build_table(uint32_t *table, unsigned root, const uint8_t *lens, unsigned count,
                       const uint32_t *entries, code_kind kind) {
    unsigned counts[16] = {0};
    for (unsigned symbol = 0; symbol < count; symbol++) {
        counts[lens[symbol]]++;
    }
    unsigned max = 15;
    while (max > 0 && counts[max] == 0) {
        max--;
    }
    const unsigned main_size = 1u << root;
    for (unsigned i = 0; i < main_size; i++) {
        table[i] = E_INVALID;
    }
    if (max == 0) {
        if (kind == CODES) {
            // zlib accepts an all-zero code-length code and then reads every length as 0, one bit
            // each, so the stream fails later ("missing end-of-block"); do the same.
            for (unsigned i = 0; i < main_size; i++) {
                table[i] = entries[0] | 1;
            }
        }
        return 0;
    }
    int left = 1;
    for (unsigned length = 1; length <= 15; length++) {
        left = (left << 1) - (int)counts[length];
        if (left < 0) {
            return -1;
        }
    }
    if (left > 0 && (kind == CODES || max != 1)) {
        return -1;
    }
    unsigned next_code[16];
    unsigned code = 0;
    counts[0] = 0;
    for (unsigned length = 1; length <= 15; length++) {
        code = (code + counts[length - 1]) << 1;
        next_code[length] = code;
    }
    const unsigned sub_bits = max > root ? max - root : 0;
    unsigned next_subtable = main_size;
    for (unsigned symbol = 0; symbol < count; symbol++) {
        unsigned length = lens[symbol];
        if (length == 0) {
            continue;
        }
        unsigned reversed = reverse_bits(next_code[length]++, length);
        uint32_t entry = entries[symbol] | length;
        if (length <= root) {
            for (unsigned i = reversed; i < main_size; i += 1u << length) {
                table[i] = entry;
            }
            continue;
        }
        unsigned prefix = reversed & (main_size - 1);
        if (!(table[prefix] & E_SUBTABLE)) {
            table[prefix] = (uint32_t)next_subtable << 16 | sub_bits << 8 | E_SUBTABLE;
            for (unsigned j = 0; j < (1u << sub_bits); j++) {
                table[next_subtable + j] = E_INVALID;
            }
            next_subtable += 1u << sub_bits;
        }
        uint32_t *sub = table + (table[prefix] >> 16);
        for (unsigned j = reversed >> root; j < (1u << sub_bits); j += 1u << (length - root)) {
            sub[j] = entry;
        }
    }
    return 0;
}

// Turns main-table literal entries into pairs where the next code is a literal that also fits.
// Indices go down so `table[i >> length]` (smaller) still holds its single-literal entry.
static void pair_literals(uint32_t *table, unsigned root) {
    for (unsigned i = (1u << root); i-- > 0;) {
        uint32_t first = table[i];
        if (!(first & E_LITERAL)) {
            continue;
        }
        unsigned length = first & 15;
        uint32_t second = table[i >> length];
        if ((second & E_LITERAL) && length + (second & 15) <= root) {
            table[i] = (first & 0xff0000) | (second & 0xff0000) << 8 | E_PAIR | E_LITERAL | (length + (second & 15));
        }
    }
}

static uint32_t litlen_entries[288];
static uint32_t dist_entries[32];
static uint32_t codelen_entries[19];

static void make_entries(void) {
    for (unsigned symbol = 0; symbol < 256; symbol++) {
        litlen_entries[symbol] = symbol << 16 | E_LITERAL;
    }
    litlen_entries[256] = E_END;
    for (unsigned i = 0; i < 29; i++) {
        litlen_entries[257 + i] = (uint32_t)length_base[i] << 16 | (uint32_t)length_extra[i] << 8;
    }
    litlen_entries[286] = litlen_entries[287] = E_INVALID;
    for (unsigned i = 0; i < 30; i++) {
        dist_entries[i] = (uint32_t)dist_base[i] << 16 | (uint32_t)dist_extra[i] << 8;
    }
    dist_entries[30] = dist_entries[31] = E_INVALID;
    for (unsigned symbol = 0; symbol < 19; symbol++) {
        codelen_entries[symbol] = symbol << 16;
    }
}

static uint32_t lookup(const uint32_t *table, unsigned root, uint64_t bits) {
    uint32_t entry = table[bits & ((1u << root) - 1)];
    if (entry & E_SUBTABLE) {
        entry = table[(entry >> 16) + ((bits >> root) & ((1u << ((entry >> 8) & 0xff)) - 1))];
    }
    return entry;
}

// Where writing must stop: the window's end, or the caller's limit if that comes first.
static size_t write_end(const inflater *s) {
    size_t wanted = s->limit - s->base;
    return wanted < s->capacity ? wanted : s->capacity;
}

// Checksums new output and hands it to the sink; slides the window when it is nearly full and more
// output is wanted; sets the next check point. Nothing is handed on once bits past the end of the
// input were read: the last bytes written may come from them.
static vlm_inflate_status service(inflater *s) {
    if (consumed_overrun(s)) {
        return VLM_INFLATE_TRUNCATED;
    }
    if (s->pos > s->flushed) {
        s->adler = vlm_adler32(s->adler, s->out + s->flushed, s->pos - s->flushed);
        if (s->sink(s->context, s->out + s->flushed, s->pos - s->flushed) != 0) {
            return VLM_INFLATE_STOPPED;
        }
        s->flushed = s->pos;
    }
    if (s->limit - s->base > s->capacity && s->pos + SYMBOL_ROOM > s->capacity) {
        size_t keep = s->pos < HISTORY ? s->pos : HISTORY;
        memmove(s->out, s->out + s->pos - keep, keep);
        s->base += s->pos - keep;
        s->pos = s->flushed = keep;
    }
    s->check_at = s->pos + SINK_STEP;
    if (s->limit - s->base > s->capacity && s->check_at > s->capacity - SYMBOL_ROOM) {
        s->check_at = s->capacity - SYMBOL_ROOM;
    }
    return VLM_INFLATE_DONE;
}

static void fixed_tables(inflater *s) {
    uint8_t lens[288 + 32];
    memset(lens, 8, 144);
    memset(lens + 144, 9, 112);
    memset(lens + 256, 7, 24);
    memset(lens + 280, 8, 8);
    memset(lens + 288, 5, 32);
    build_table(s->litlen, LITLEN_ROOT, lens, 288, litlen_entries, LENS);
    pair_literals(s->litlen, LITLEN_ROOT);
    build_table(s->dist, DIST_ROOT, lens + 288, 32, dist_entries, DISTS);
}

static vlm_inflate_status dynamic_tables(inflater *s) {
    LOAD_STATE(s);
    REFILL(s);
    unsigned nlen = PEEK(5) + 257;
    CONSUME(5);
    unsigned ndist = PEEK(5) + 1;
    CONSUME(5);
    unsigned ncode = PEEK(4) + 4;
    CONSUME(4);
    if (nlen > 286 || ndist > 30) {
        FAIL(s, "too many length or distance symbols");
    }
    uint8_t codelen_lens[19] = {0};
    for (unsigned i = 0; i < ncode; i++) {
        REFILL(s);
        codelen_lens[codelen_order[i]] = (uint8_t)PEEK(3);
        CONSUME(3);
    }
    uint32_t codelen_table[1 << CODELEN_ROOT];
    if (build_table(codelen_table, CODELEN_ROOT, codelen_lens, 19, codelen_entries, CODES) != 0) {
        FAIL(s, "invalid code lengths set");
    }
    uint8_t lens[286 + 30];
    unsigned i = 0;
    while (i < nlen + ndist) {
        REFILL(s);
        uint32_t entry = codelen_table[PEEK(CODELEN_ROOT)];
        CONSUME(entry & 15);
        unsigned symbol = entry >> 16;
        if (symbol < 16) {
            lens[i++] = (uint8_t)symbol;
            continue;
        }
        uint8_t value = 0;
        unsigned repeat;
        if (symbol == 16) {
            if (i == 0) {
                FAIL(s, "invalid bit length repeat");
            }
            value = lens[i - 1];
            repeat = 3 + PEEK(2);
            CONSUME(2);
        } else if (symbol == 17) {
            repeat = 3 + PEEK(3);
            CONSUME(3);
        } else {
            repeat = 11 + PEEK(7);
            CONSUME(7);
        }
        if (i + repeat > nlen + ndist) {
            FAIL(s, "invalid bit length repeat");
        }
        memset(lens + i, value, repeat);
        i += repeat;
    }
    if (lens[256] == 0) {
        FAIL(s, "invalid code -- missing end-of-block");
    }
    if (build_table(s->litlen, LITLEN_ROOT, lens, nlen, litlen_entries, LENS) != 0) {
        FAIL(s, "invalid literal/lengths set");
    }
    pair_literals(s->litlen, LITLEN_ROOT);
    if (build_table(s->dist, DIST_ROOT, lens + nlen, ndist, dist_entries, DISTS) != 0) {
        FAIL(s, "invalid distances set");
    }
    SAVE_STATE(s);
    return consumed_overrun(s) ? VLM_INFLATE_TRUNCATED : VLM_INFLATE_DONE;
}

// Copies `length` bytes from `distance` back; the caller has checked both against the buffer.
static inline void copy_match(uint8_t *out, size_t pos, size_t length, size_t distance, size_t out_size) {
    uint8_t *dst = out + pos;
    const uint8_t *src = dst - distance;
    if (distance >= 8 && out_size - pos >= length + 8) {
        // 8-byte moves may write up to 7 bytes past the match; those bytes are not final yet.
        uint8_t *end = dst + length;
        do {
            memcpy(dst, src, 8);
            dst += 8;
            src += 8;
        } while (dst < end);
    } else if (distance == 1) {
        memset(dst, *src, length);
    } else {
        for (size_t i = 0; i < length; i++) {
            dst[i] = src[i];
        }
    }
}

// Decodes one Huffman-coded block with the tables in `s`.
static vlm_inflate_status huffman_block(inflater *s) {
    LOAD_STATE(s);
    uint8_t *const out = s->out;
    const size_t capacity = s->capacity;
    const uint32_t *const litlen = s->litlen;
    const uint32_t *const dist = s->dist;
    size_t pos = s->pos;
    size_t check_at = s->check_at;
    size_t end = write_end(s);
    for (;;) {
        if (pos >= check_at) {
            s->pos = pos;
            SAVE_STATE(s);
            vlm_inflate_status status = service(s);
            if (status != VLM_INFLATE_DONE) {
                return status;
            }
            pos = s->pos;
            check_at = s->check_at;
            end = write_end(s);
        }
        REFILL(s);
        uint32_t entry = lookup(litlen, LITLEN_ROOT, bits);
        CONSUME(entry & 15);
        if (entry & E_LITERAL) {
            if (end - pos >= 4) {
                // Both bytes are stored; the second is overwritten later when the entry is single.
                out[pos] = (uint8_t)(entry >> 16);
                out[pos + 1] = (uint8_t)(entry >> 24);
                pos += 1 + ((entry >> 8) & 1);
                // One more entry without a refill when it is literal (at least 44 bits are left).
                entry = lookup(litlen, LITLEN_ROOT, bits);
                if (entry & E_LITERAL) {
                    CONSUME(entry & 15);
                    out[pos] = (uint8_t)(entry >> 16);
                    out[pos + 1] = (uint8_t)(entry >> 24);
                    pos += 1 + ((entry >> 8) & 1);
                }
                continue;
            }
            // Near the caller's limit (elsewhere `service` keeps SYMBOL_ROOM free).
            for (unsigned n = 1 + ((entry >> 8) & 1), i = 0; i < n; i++) {
                if (pos == end) {
                    s->pos = pos;
                    RETURN(s, VLM_INFLATE_OUTPUT_FULL);
                }
                out[pos++] = (uint8_t)(entry >> (16 + 8 * i));
            }
            continue;
        }
        s->pos = pos;
        if (entry & E_END) {
            RETURN(s, VLM_INFLATE_DONE);
        }
        if (entry & E_INVALID) {
            FAIL(s, "invalid literal/length code");
        }
        unsigned extra = (entry >> 8) & 0xff;
        size_t length = (entry >> 16) + PEEK(extra);
        CONSUME(extra);
        entry = lookup(dist, DIST_ROOT, bits);
        CONSUME(entry & 15);
        if (entry & E_INVALID) {
            FAIL(s, "invalid distance code");
        }
        extra = (entry >> 8) & 0xff;
        size_t distance = (entry >> 16) + PEEK(extra);
        CONSUME(extra);
        // The window holds all output so far, or at least the last 32 KB of it.
        if (distance > pos) {
            FAIL(s, "invalid distance too far back");
        }
        if (length > end - pos) {
            copy_match(out, pos, end - pos, distance, capacity);
            s->pos = end;
            RETURN(s, VLM_INFLATE_OUTPUT_FULL);
        }
        copy_match(out, pos, length, distance, capacity);
        pos += length;
    }
}

static vlm_inflate_status stored_block(inflater *s) {
    LOAD_STATE(s);
    CONSUME(bit_count & 7);
    REFILL(s);
    unsigned length = PEEK(16);
    CONSUME(16);
    unsigned complement = PEEK(16);
    CONSUME(16);
    SAVE_STATE(s);
    if (consumed_overrun(s)) {
        return VLM_INFLATE_TRUNCATED;
    }
    if (length != (~complement & 0xffff)) {
        return fail(s, "invalid stored block lengths");
    }
    // Whole bytes still in the bit buffer come first, then the input itself.
    while (length > 0) {
        if (s->pos >= s->check_at) {
            SAVE_STATE(s);
            vlm_inflate_status status = service(s);
            if (status != VLM_INFLATE_DONE) {
                return status;
            }
        }
        size_t room = write_end(s) - s->pos;
        if (room == 0) {
            RETURN(s, VLM_INFLATE_OUTPUT_FULL);
        }
        if (bit_count >= 8) {
            s->out[s->pos++] = (uint8_t)PEEK(8);
            CONSUME(8);
            length--;
            continue;
        }
        bits = 0;  // empty and byte-aligned; drop what a wide load read ahead
        SAVE_STATE(s);
        next_segment_if_empty(s);
        in = s->in;
        in_end = s->in_end;
        size_t chunk = length;
        if (chunk > room) {
            chunk = room;
        }
        if ((size_t)(in_end - in) < chunk) {
            chunk = (size_t)(in_end - in);
        }
        if (chunk == 0) {
            return VLM_INFLATE_TRUNCATED;
        }
        memcpy(s->out + s->pos, in, chunk);
        s->pos += chunk;
        in += chunk;
        length -= (unsigned)chunk;
    }
    SAVE_STATE(s);
    return consumed_overrun(s) ? VLM_INFLATE_TRUNCATED : VLM_INFLATE_DONE;
}

static vlm_inflate_status zlib_header(inflater *s) {
    LOAD_STATE(s);
    REFILL(s);
    unsigned method = PEEK(8);
    unsigned flags = (unsigned)(bits >> 8) & 0xff;
    CONSUME(16);
    SAVE_STATE(s);
    if (consumed_overrun(s)) {
        return VLM_INFLATE_TRUNCATED;
    }
    if ((method << 8 | flags) % 31 != 0) {
        return fail(s, "incorrect header check");
    }
    if ((method & 15) != 8) {
        return fail(s, "unknown compression method");
    }
    if ((method >> 4) > 7) {
        return fail(s, "invalid window size");
    }
    if (flags & 0x20) {
        return fail(s, "the stream needs a preset dictionary");
    }
    return VLM_INFLATE_DONE;
}

static vlm_inflate_status zlib_trailer(inflater *s) {
    LOAD_STATE(s);
    CONSUME(bit_count & 7);
    REFILL(s);
    uint32_t stored = 0;
    for (int i = 0; i < 4; i++) {
        stored = stored << 8 | PEEK(8);
        CONSUME(8);
    }
    SAVE_STATE(s);
    if (consumed_overrun(s)) {
        return VLM_INFLATE_TRUNCATED;
    }
    // The last bytes are handed on before the check, as zlib returns them before its error.
    vlm_inflate_status status = service(s);
    if (status != VLM_INFLATE_DONE) {
        return status;
    }
    return stored == s->adler ? VLM_INFLATE_DONE : fail(s, "incorrect data check");
}

static vlm_inflate_status block_header(inflater *s, unsigned *final, unsigned *type) {
    LOAD_STATE(s);
    REFILL(s);
    *final = PEEK(1);
    *type = (unsigned)(bits >> 1) & 3;
    CONSUME(3);
    RETURN(s, VLM_INFLATE_DONE);
}

static vlm_inflate_status run(inflater *s) {
    vlm_inflate_status status = zlib_header(s);
    if (status != VLM_INFLATE_DONE) {
        return status;
    }
    unsigned final;
    do {
        unsigned type;
        status = block_header(s, &final, &type);
        if (status != VLM_INFLATE_DONE) {
            return status;
        }
        switch (type) {
        case 0:
            status = stored_block(s);
            break;
        case 1:
            fixed_tables(s);
            status = huffman_block(s);
            break;
        case 2:
            status = dynamic_tables(s);
            if (status == VLM_INFLATE_DONE) {
                status = huffman_block(s);
            }
            break;
        default:
            status = fail(s, "invalid block type");
        }
        if (status == VLM_INFLATE_OUTPUT_FULL) {
            vlm_inflate_status flushed = service(s);
            return flushed == VLM_INFLATE_DONE ? VLM_INFLATE_OUTPUT_FULL : flushed;
        }
        if (status != VLM_INFLATE_DONE) {
            return status;
        }
    } while (!final);
    return zlib_trailer(s);
}

vlm_inflate_status vlm_zlib_inflate(const vlm_segment *segments, size_t segment_count, size_t limit,
                                    vlm_inflate_sink sink, void *context, size_t *produced,
                                    char *message, size_t message_size) {
    static pthread_once_t entries_once = PTHREAD_ONCE_INIT;
    pthread_once(&entries_once, make_entries);
    *produced = 0;
    size_t capacity = limit < WINDOW_CAPACITY ? (limit > 0 ? limit : 1) : WINDOW_CAPACITY;
    inflater *s = malloc(sizeof(inflater));
    uint8_t *window = malloc(capacity);
    if (!s || !window) {
        free(s);
        free(window);
        snprintf(message, message_size, "out of memory");
        return VLM_INFLATE_CORRUPT;
    }
    memset(s, 0, offsetof(inflater, litlen));
    s->segments = segments;
    s->segment_count = segment_count;
    if (segment_count > 0) {
        s->in = segments[0].data;
        s->in_end = s->in + segments[0].size;
    }
    s->out = window;
    s->capacity = capacity;
    s->limit = limit;
    s->adler = 1;
    s->sink = sink;
    s->context = context;
    service(s);
    vlm_inflate_status status = run(s);
    *produced = s->base + s->flushed;
    if (status == VLM_INFLATE_CORRUPT) {
        snprintf(message, message_size, "%s", s->error);
    } else if (status == VLM_INFLATE_TRUNCATED) {
        snprintf(message, message_size, "the compressed data ends early");
    }
    free(window);
    free(s);
    return status;
}
