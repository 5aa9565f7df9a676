// Rotary embeddings: the angle tables (1-D RoPE, M-RoPE and the vision 2-D RoPE through per-frequency
// position axes) and the NeoX rotation of pairs (j, j + F) of every head.
#include "common.cuh"

// cos/sin[t, j] of positions[axes[j], t] · inverse_frequencies[j], fp32 (accurate cosf/sinf: angles reach
// the tens of thousands).
__global__ void rotary_table(const int* positions, const float* inverse_frequencies, const int* axes, float* cos_out,
                             float* sin_out, int tokens, int frequencies, int axis_count, int* status) {
    const long long n = (long long)tokens * frequencies;
    for (long long i = global_index(); i < n; i += grid_stride()) {
        const int t = (int)(i / frequencies), j = (int)(i % frequencies);
        const int axis = axes[j];
        if (axis < 0 || axis >= axis_count) {
            report(status, STATUS_ROTARY_AXIS);
            continue;
        }
        const float angle = (float)positions[(long long)axis * tokens + t] * inverse_frequencies[j];
        cos_out[i] = cosf(angle);
        sin_out[i] = sinf(angle);
    }
}

// x [tokens, heads, 2F], tables [tokens, F]; each thread reads both halves of its pair before writing, so
// `out` may be `x`.
template <typename T>
__global__ void apply_rotary(const T* x, const float* cos_table, const float* sin_table, T* out, int tokens, int heads,
                             int half) {
    const long long n = (long long)tokens * heads * half;
    for (long long i = global_index(); i < n; i += grid_stride()) {
        const long long t = i / ((long long)heads * half);
        const int j = (int)(i % half);
        const long long base = (i / half) * 2 * half;  // (t · heads + h) · 2F
        const float a = to_float(x[base + j]), b = to_float(x[base + j + half]);
        const float c = cos_table[t * half + j], s = sin_table[t * half + j];
        store(out + base + j, a * c - b * s);
        store(out + base + j + half, b * c + a * s);
    }
}

#define VLM_KERNELS(X) \
    X(rotary_table) \
    X(apply_rotary<bf16>) X(apply_rotary<float>)
