// Element-wise activations over n elements of the activation type T, fp32 arithmetic, one rounding at the
// store. Grid-stride loops: any grid size covers any n.
#include "common.cuh"

template <typename T>
__global__ void add(const T* a, const T* b, T* out, long long n) {
    for (long long i = global_index(); i < n; i += grid_stride()) store(out + i, to_float(a[i]) + to_float(b[i]));
}

// silu(gate) · up; `out` may be `gate`.
template <typename T>
__global__ void silu_mul(const T* gate, const T* up, T* out, long long n) {
    for (long long i = global_index(); i < n; i += grid_stride()) {
        float g = to_float(gate[i]);
        store(out + i, g / (1.0f + expf(-g)) * to_float(up[i]));
    }
}

// Exact (erf) GELU.
template <typename T>
__global__ void gelu(const T* x, T* out, long long n) {
    for (long long i = global_index(); i < n; i += grid_stride()) {
        float v = to_float(x[i]);
        store(out + i, 0.5f * v * (1.0f + erff(v * 0.70710678118654752f)));
    }
}

// x · sigmoid(1.702 x).
template <typename T>
__global__ void quick_gelu(const T* x, T* out, long long n) {
    for (long long i = global_index(); i < n; i += grid_stride()) {
        float v = to_float(x[i]);
        store(out + i, v * (1.0f / (1.0f + expf(-1.702f * v))));
    }
}

// The instantiations NVRTC compiles and the backend launches (read by KernelSource.swift and the emulator).
#define VLM_KERNELS(X) \
    X(add<bf16>) X(add<float>) \
    X(silu_mul<bf16>) X(silu_mul<float>) \
    X(gelu<bf16>) X(gelu<float>) \
    X(quick_gelu<bf16>) X(quick_gelu<float>)
