// RMSNorm (optionally after the residual add) and LayerNorm over rows of `width`, one block per row,
// statistics in fp32 as transformers computes them. Each thread revisits only the elements it handled in
// the first pass, so `out` may alias `x`.
#include "common.cuh"

template <typename T>
__global__ void rms_norm(const T* x, const void* weight, int weight_dtype, T* out, int width, float epsilon) {
    __shared__ float scratch[32];
    const T* row = x + (long long)blockIdx.x * width;
    T* result = out + (long long)blockIdx.x * width;
    float sum = 0.0f;
    for (int j = threadIdx.x; j < width; j += blockDim.x) {
        float v = to_float(row[j]);
        sum += v * v;
    }
    const float scale = 1.0f / sqrtf(block_sum(sum, scratch) / (float)width + epsilon);
    for (int j = threadIdx.x; j < width; j += blockDim.x) store(result + j, load_any(weight, weight_dtype, j) * (to_float(row[j]) * scale));
}

// residual += x (rounded to T, as a bf16 add would), then out = rmsNorm(residual).
template <typename T>
__global__ void add_rms_norm(const T* x, T* residual, const void* weight, int weight_dtype, T* out, int width,
                             float epsilon) {
    __shared__ float scratch[32];
    const long long base = (long long)blockIdx.x * width;
    float sum = 0.0f;
    for (int j = threadIdx.x; j < width; j += blockDim.x) {
        store(residual + base + j, to_float(residual[base + j]) + to_float(x[base + j]));
        float v = to_float(residual[base + j]);
        sum += v * v;
    }
    const float scale = 1.0f / sqrtf(block_sum(sum, scratch) / (float)width + epsilon);
    for (int j = threadIdx.x; j < width; j += blockDim.x)
        store(out + base + j, load_any(weight, weight_dtype, j) * (to_float(residual[base + j]) * scale));
}

// (x - mean) / sqrt(var + eps) · weight + bias, biased variance from a second pass over the row.
template <typename T>
__global__ void layer_norm(const T* x, const void* weight, int weight_dtype, const void* bias, int bias_dtype, T* out,
                           int width, float epsilon) {
    __shared__ float scratch[32];
    const T* row = x + (long long)blockIdx.x * width;
    T* result = out + (long long)blockIdx.x * width;
    float sum = 0.0f;
    for (int j = threadIdx.x; j < width; j += blockDim.x) sum += to_float(row[j]);
    const float mean = block_sum(sum, scratch) / (float)width;
    float squares = 0.0f;
    for (int j = threadIdx.x; j < width; j += blockDim.x) {
        float d = to_float(row[j]) - mean;
        squares += d * d;
    }
    const float scale = 1.0f / sqrtf(block_sum(squares, scratch) / (float)width + epsilon);
    for (int j = threadIdx.x; j < width; j += blockDim.x)
        store(result + j, (to_float(row[j]) - mean) * scale * load_any(weight, weight_dtype, j) + load_any(bias, bias_dtype, j));
}

#define VLM_KERNELS(X) \
    X(rms_norm<bf16>) X(rms_norm<float>) \
    X(add_rms_norm<bf16>) X(add_rms_norm<float>) \
    X(layer_norm<bf16>) X(layer_norm<float>)
