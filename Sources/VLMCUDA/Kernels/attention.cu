// Softmax attention with an online softmax over steps of ATT_KEYS keys: no score matrix in memory, fp32
// scores and accumulation. A block serves ATT_PAIRS (query row, head) pairs that share one KV head (the
// GQA heads of a row sit side by side, so each key is loaded once for the whole group) and four threads
// serve each pair: they split a step's keys for the scores and the head dimensions for the output.
// This is the SIMT version, written to be right; tensor-core tiles (mma / wgmma) are the tuning step.
#include "common.cuh"

#define ATT_PAIRS 32
#define ATT_KEYS 32
#define ATT_LANES 4
#define ATT_THREADS (ATT_PAIRS * ATT_LANES)
#define ATT_KEYS_PER_LANE (ATT_KEYS / ATT_LANES)

template <int D>
struct AttentionTile {
    float q[ATT_PAIRS][D + 1];  // +1 float per row: the rows a warp reads at once fall in different banks
    float kv[ATT_KEYS][D + 1];  // the step's keys, then its values
    float p[ATT_PAIRS][ATT_KEYS + 1];
    long long key_offset[ATT_KEYS];  // element offset of each key's row in K and V; -1: unreadable, zeros
    long long q_offset[ATT_PAIRS];   // element offset of each pair's row in q and out; -1: no pair
    int lo[ATT_PAIRS], hi[ATT_PAIRS];  // each pair attends to keys [lo, hi)
};

// 16 bytes read by one load instruction: 8 bf16 or 4 floats; `unpack` gives element k as f32.
struct alignas(16) Bytes16 {
    unsigned words[4];
};
__device__ __forceinline__ float unpack(const Bytes16& v, int k, const bf16*) {
    return __uint_as_float(((v.words[k >> 1] >> ((k & 1) * 16)) & 0xffffu) << 16);
}
__device__ __forceinline__ float unpack(const Bytes16& v, int k, const float*) { return __uint_as_float(v.words[k]); }

// rows[r] = source[offsets[r] ...][0 ..< D] as f32, zeros where the offset is -1. Rows start at multiples of
// D elements and D · sizeof(T) is a multiple of 16 for every head size here, so from an aligned source each
// piece is one 16-byte load, and the unrolled loop keeps a thread's loads in flight together (one 2-byte
// load at a time, each waited for, made decode attention ~10× slower than its memory traffic, 2026-12-02).
template <typename T, int D, int ROWS>
__device__ __forceinline__ void load_rows(float (&rows)[ROWS][D + 1], const long long* offsets, const T* source) {
    constexpr int WIDTH = 16 / (int)sizeof(T), PIECES = D / WIDTH;
    if (D % WIDTH == 0 && reinterpret_cast<unsigned long long>(source) % 16 == 0) {
#pragma unroll 4
        for (int i = threadIdx.x; i < ROWS * PIECES; i += ATT_THREADS) {
            const int row = i / PIECES, d = (i % PIECES) * WIDTH;
            const long long offset = offsets[row];
            Bytes16 piece = {};
            if (offset >= 0) piece = *reinterpret_cast<const Bytes16*>(source + offset + d);
#pragma unroll
            for (int k = 0; k < WIDTH; k++) rows[row][d + k] = offset >= 0 ? unpack(piece, k, source) : 0.0f;
        }
        return;
    }
    for (int i = threadIdx.x; i < ROWS * D; i += ATT_THREADS) {
        const int row = i / D, d = i % D;
        const long long offset = offsets[row];
        rows[row][d] = offset >= 0 ? to_float(source[offset + d]) : 0.0f;
    }
}

// Online softmax of the tile's pairs over keys [begin, end) (the same range for every thread, so the
// barriers inside are reached by all); `offset(p)` gives key p's row offset. `acc` holds this thread's
// D / ATT_LANES output dimensions (lane, lane + 4, ...), unnormalised; m and l the running max and sum.
template <typename T, int D, typename KeyOffset>
__device__ void attend(AttentionTile<D>& tile, const T* keys, const T* values, int begin, int end, float scale,
                       const KeyOffset& offset, float* acc, float& m, float& l) {
    const int pair = threadIdx.x / ATT_LANES, lane = threadIdx.x % ATT_LANES;
    const int lo = tile.lo[pair], hi = tile.hi[pair];
    for (int first = begin; first < end; first += ATT_KEYS) {
        const int count = min(ATT_KEYS, end - first);
        if (threadIdx.x < ATT_KEYS) tile.key_offset[threadIdx.x] = (int)threadIdx.x < count ? offset(first + (int)threadIdx.x) : -1;
        __syncthreads();
        load_rows<T, D>(tile.kv, tile.key_offset, keys);
        __syncthreads();

        float score[ATT_KEYS_PER_LANE];
#pragma unroll
        for (int t = 0; t < ATT_KEYS_PER_LANE; t++) score[t] = 0.0f;
        for (int d = 0; d < D; d++) {
            const float qd = tile.q[pair][d];
#pragma unroll
            for (int t = 0; t < ATT_KEYS_PER_LANE; t++) score[t] += qd * tile.kv[lane + ATT_LANES * t][d];
        }
        float step_max = negative_infinity();
#pragma unroll
        for (int t = 0; t < ATT_KEYS_PER_LANE; t++) {
            const int key = first + lane + ATT_LANES * t;
            const bool visible = lane + ATT_LANES * t < count && key >= lo && key < hi;
            score[t] = visible ? score[t] * scale : negative_infinity();
            step_max = fmaxf(step_max, score[t]);
        }
        step_max = fmaxf(step_max, __shfl_xor_sync(0xffffffffu, step_max, 1));
        step_max = fmaxf(step_max, __shfl_xor_sync(0xffffffffu, step_max, 2));
        const float m_new = fmaxf(m, step_max);
        // Until a pair has seen a visible key its max stays -inf; -inf - -inf must not become NaN.
        const bool none = m_new == negative_infinity();
        const float alpha = none ? 1.0f : expf(m - m_new);
        float sum = 0.0f;
#pragma unroll
        for (int t = 0; t < ATT_KEYS_PER_LANE; t++) {
            const float p = none || score[t] == negative_infinity() ? 0.0f : expf(score[t] - m_new);
            tile.p[pair][lane + ATT_LANES * t] = p;
            sum += p;
        }
        sum += __shfl_xor_sync(0xffffffffu, sum, 1);
        sum += __shfl_xor_sync(0xffffffffu, sum, 2);
        l = l * alpha + sum;
        m = m_new;
#pragma unroll
        for (int i = 0; i < D / ATT_LANES; i++) acc[i] *= alpha;
        __syncthreads();  // every thread is done with the keys, and p is complete
        load_rows<T, D>(tile.kv, tile.key_offset, values);
        __syncthreads();
        for (int j = 0; j < count; j++) {
            const float p = tile.p[pair][j];
#pragma unroll
            for (int i = 0; i < D / ATT_LANES; i++) acc[i] += p * tile.kv[j][lane + ATT_LANES * i];
        }
        __syncthreads();  // before the next step overwrites key_offset, kv and p
    }
}

template <typename T, int D>
__device__ __forceinline__ void write_output(T* out, const float* acc, float l) {
    const int lane = threadIdx.x % ATT_LANES;
#pragma unroll
    for (int i = 0; i < D / ATT_LANES; i++) store(out + lane + ATT_LANES * i, acc[i] / l);
}

// Smallest lo and largest hi over the tile's pairs that attend to anything: the keys the block visits.
template <int D>
__device__ __forceinline__ void key_range(const AttentionTile<D>& tile, int& begin, int& end) {
    begin = 0x7fffffff;
    end = 0;
    for (int i = 0; i < ATT_PAIRS; i++) {
        if (tile.lo[i] < tile.hi[i]) {
            begin = min(begin, tile.lo[i]);
            end = max(end, tile.hi[i]);
        }
    }
    if (begin > end) begin = end;
}

template <int D>
struct ContiguousKeys {
    int kv_heads, kv_head;
    __device__ long long operator()(int p) const { return ((long long)p * kv_heads + kv_head) * D; }
};

// Vision attention, bidirectional inside segments: q [rows, heads, D], k/v [rows, kv_heads, D], segments
// [segment_count + 1] row offsets. Grid: (⌈rows · group / ATT_PAIRS⌉, kv_heads). A block's pairs may
// straddle a segment boundary: each pair masks the keys outside its own segment.
template <typename T, int D>
__global__ void __launch_bounds__(ATT_THREADS)
segment_attention(const T* q, const T* k, const T* v, const int* segments, int segment_count, T* out, int rows,
                  int heads, int kv_heads, float scale, int* status) {
    __shared__ AttentionTile<D> tile;
    const int group = heads / kv_heads, kv_head = blockIdx.y;
    const int pair = threadIdx.x / ATT_LANES, lane = threadIdx.x % ATT_LANES;
    if (lane == 0) {
        const long long index = (long long)blockIdx.x * ATT_PAIRS + pair;  // row · group + head within the group
        int lo = 0, hi = 0;
        long long q_offset = -1;
        if (index < (long long)rows * group) {
            const int row = (int)(index / group), head = kv_head * group + (int)(index % group);
            int a = 0, b = segment_count - 1;  // the last segment starting at or before `row`
            while (a < b) {
                const int mid = (a + b + 1) / 2;
                if (segments[mid] <= row) a = mid; else b = mid - 1;
            }
            lo = segments[a];
            hi = segments[a + 1];
            if (lo < 0 || lo > row || hi <= row || hi > rows) {
                report(status, STATUS_SEGMENTS);
                lo = hi = 0;
            } else {
                q_offset = ((long long)row * heads + head) * D;
            }
        }
        tile.lo[pair] = lo;
        tile.hi[pair] = hi;
        tile.q_offset[pair] = q_offset;
    }
    __syncthreads();
    load_rows<T, D>(tile.q, tile.q_offset, q);  // attend's first barrier orders these stores before any read
    int begin, end;
    key_range(tile, begin, end);
    float acc[D / ATT_LANES];
#pragma unroll
    for (int i = 0; i < D / ATT_LANES; i++) acc[i] = 0.0f;
    float m = negative_infinity(), l = 0.0f;
    attend<T, D>(tile, k, v, begin, end, scale, ContiguousKeys<D>{kv_heads, kv_head}, acc, m, l);
    if (tile.q_offset[pair] >= 0 && l > 0.0f) write_output<T, D>(out + tile.q_offset[pair], acc, l);
}

template <int D>
struct PagedKeys {
    const int* table;  // this sequence's row of the block tables
    int table_width, block_size, cache_blocks, kv_heads, kv_head;
    int* status;
    __device__ long long operator()(int p) const {
        const int entry = p / block_size;
        const int block = entry < table_width ? table[entry] : -1;
        if (block < 0 || block >= cache_blocks) {
            report(status, STATUS_BLOCK_TABLE);
            return -1;
        }
        return (((long long)block * block_size + p % block_size) * kv_heads + kv_head) * D;
    }
};

// Causal attention of a flattened batch over the paged cache: sequence s owns query rows
// query_starts[s] ..< query_starts[s+1], and its row i attends to cache positions 0 ... context_lengths[s] + i.
// Grid: (⌈rows · group / ATT_PAIRS⌉ + sequence_count, kv_heads, splits); block x is the x-th tile counting
// every sequence's tiles in turn (spare blocks exit). With split_keys > 0, block z covers keys
// [z · split_keys, (z + 1) · split_keys) and writes {m, l, acc} to partial[z][row][head] for
// attention_combine; otherwise it writes the output.
template <typename T, int D>
__global__ void __launch_bounds__(ATT_THREADS)
paged_attention(const T* q, const T* key_cache, const T* value_cache, const int* query_starts,
                const int* context_lengths, const int* block_tables, int sequence_count, int table_width,
                int block_size, int cache_blocks, int max_keys, T* out, float* partial, int split_keys, int rows,
                int heads, int kv_heads, float scale, int* status) {
    __shared__ AttentionTile<D> tile;
    __shared__ int tile_sequence, tile_in_sequence;
    const int group = heads / kv_heads, kv_head = blockIdx.y;
    const int pair = threadIdx.x / ATT_LANES, lane = threadIdx.x % ATT_LANES;
    if (threadIdx.x == 0) {
        int remaining = blockIdx.x;
        tile_sequence = -1;
        tile_in_sequence = 0;
        for (int s = 0; s < sequence_count; s++) {
            const int length = query_starts[s + 1] - query_starts[s];
            if (query_starts[s] < 0 || length < 0 || query_starts[s + 1] > rows) {
                report(status, STATUS_QUERY_STARTS);
                break;
            }
            const int tiles = (length * group + ATT_PAIRS - 1) / ATT_PAIRS;
            if (remaining < tiles) {
                tile_sequence = s;
                tile_in_sequence = remaining;
                break;
            }
            remaining -= tiles;
        }
    }
    __syncthreads();
    const int s = tile_sequence;
    if (s < 0) return;  // the whole block: a spare slot of the grid
    const int start = query_starts[s], length = query_starts[s + 1] - start, context = context_lengths[s];
    if (lane == 0) {
        const int local = tile_in_sequence * ATT_PAIRS + pair;  // row in the sequence · group + head in the group
        int hi = 0;
        long long q_offset = -1;
        if (local < length * group) {
            hi = context + local / group + 1;
            if (context < 0 || hi > max_keys) {
                report(status, STATUS_KEY_COUNT);
                hi = 0;
            } else {
                q_offset = ((long long)(start + local / group) * heads + kv_head * group + local % group) * D;
            }
        }
        tile.lo[pair] = 0;
        tile.hi[pair] = hi;
        tile.q_offset[pair] = q_offset;
    }
    __syncthreads();
    int begin, end;
    key_range(tile, begin, end);
    if (split_keys > 0) {
        begin = blockIdx.z * split_keys;
        end = min(end, begin + split_keys);
    }
    if (begin >= end) return;  // the whole block: no pair of this tile has keys in this split
    load_rows<T, D>(tile.q, tile.q_offset, q);
    float acc[D / ATT_LANES];
#pragma unroll
    for (int i = 0; i < D / ATT_LANES; i++) acc[i] = 0.0f;
    float m = negative_infinity(), l = 0.0f;
    const PagedKeys<D> keys{block_tables + (long long)s * table_width, table_width, block_size, cache_blocks, kv_heads, kv_head, status};
    attend<T, D>(tile, key_cache, value_cache, begin, end, scale, keys, acc, m, l);
    const long long q_offset = tile.q_offset[pair];
    if (q_offset < 0) return;
    if (split_keys == 0) {
        if (l > 0.0f) write_output<T, D>(out + q_offset, acc, l);
    } else if (tile.hi[pair] > begin) {
        float* slot = partial + ((long long)blockIdx.z * rows * heads + q_offset / D) * (D + 2);
        if (lane == 0) {
            slot[0] = m;
            slot[1] = l;
        }
#pragma unroll
        for (int i = 0; i < D / ATT_LANES; i++) slot[2 + lane + ATT_LANES * i] = acc[i];
    }
}

// Merges the splits of paged_attention: out = Σ_z acc_z · e^(m_z − M) / Σ_z l_z · e^(m_z − M) over the
// ⌈keys / split_keys⌉ splits that hold keys of the row. Grid: (rows, heads).
template <typename T, int D>
__global__ void attention_combine(const float* partial, const int* query_starts, const int* context_lengths,
                                  int sequence_count, int split_keys, int splits, T* out, int rows, int heads) {
    const int row = blockIdx.x, head = blockIdx.y;
    int a = 0, b = sequence_count - 1;  // the last sequence starting at or before `row`
    while (a < b) {
        const int mid = (a + b + 1) / 2;
        if (query_starts[mid] <= row) a = mid; else b = mid - 1;
    }
    const int keys = context_lengths[a] + (row - query_starts[a]) + 1;
    const int used = (keys + split_keys - 1) / split_keys;
    if (keys <= 0 || used > splits) return;  // paged_attention reported it
    const long long stride = (long long)rows * heads * (D + 2);
    const float* first = partial + ((long long)row * heads + head) * (D + 2);
    float m = negative_infinity();
    for (int z = 0; z < used; z++) m = fmaxf(m, first[z * stride]);
    float l = 0.0f;
    for (int z = 0; z < used; z++) l += first[z * stride + 1] * expf(first[z * stride] - m);
    for (int d = threadIdx.x; d < D; d += blockDim.x) {
        float sum = 0.0f;
        for (int z = 0; z < used; z++) sum += first[z * stride + 2 + d] * expf(first[z * stride] - m);
        store(out + ((long long)row * heads + head) * D + d, sum / l);
    }
}

// Head dimensions: 80 and 128 for the real models, 16 and 24 for the tiny test checkpoints.
#define VLM_KERNELS(X) \
    X(segment_attention<bf16, 16>) X(segment_attention<bf16, 24>) X(segment_attention<bf16, 80>) X(segment_attention<bf16, 128>) \
    X(segment_attention<float, 16>) X(segment_attention<float, 24>) X(segment_attention<float, 80>) X(segment_attention<float, 128>) \
    X(paged_attention<bf16, 16>) X(paged_attention<bf16, 24>) X(paged_attention<bf16, 80>) X(paged_attention<bf16, 128>) \
    X(paged_attention<float, 16>) X(paged_attention<float, 24>) X(paged_attention<float, 80>) X(paged_attention<float, 128>) \
    X(attention_combine<bf16, 16>) X(attention_combine<bf16, 24>) X(attention_combine<bf16, 80>) X(attention_combine<bf16, 128>) \
    X(attention_combine<float, 16>) X(attention_combine<float, 24>) X(attention_combine<float, 80>) X(attention_combine<float, 128>)
