// Shared by every kernel file. No CUDA headers: bf16 is a 16-bit integer converted with bit operations, so
// NVRTC needs nothing but itself (the PyPI wheel has no toolkit headers). The same text compiles as host
// C++ in the test emulator (Tests/CUDAEmulator), which defines the CUDA built-ins used here first.
#pragma once

// bf16 storage type of activations and the KV cache.
struct bf16 {
    unsigned short bits;
};

// Runtime dtype codes of weight-like operands (norm weights, biases, embedding tables); same order as the
// Swift side's KernelDType.
enum { DTYPE_BF16 = 0, DTYPE_F16 = 1, DTYPE_F32 = 2 };

// Codes a kernel leaves in the status word when its input is invalid; the host reads and clears it at the
// next synchronize (Swift: KernelStatus).
enum {
    STATUS_EMBEDDING_ID = 1,
    STATUS_GATHER_INDEX = 2,
    STATUS_KV_SLOT = 3,
    STATUS_BLOCK_TABLE = 4,
    STATUS_SEGMENTS = 5,
    STATUS_QUERY_STARTS = 6,
    STATUS_ROTARY_AXIS = 7,
    STATUS_KEY_COUNT = 8,
};

__device__ __forceinline__ void report(int* status, int code) { atomicCAS(status, 0, code); }

__device__ __forceinline__ float negative_infinity() { return __uint_as_float(0xff800000u); }

__device__ __forceinline__ float to_float(float v) { return v; }
__device__ __forceinline__ float to_float(bf16 v) { return __uint_as_float(((unsigned)v.bits) << 16); }

// Round to nearest even, as torch's `.to(torch.bfloat16)`; a NaN stays a quiet NaN.
__device__ __forceinline__ unsigned short bf16_bits(float v) {
    unsigned b = __float_as_uint(v);
    if ((b & 0x7fffffffu) > 0x7f800000u) return (unsigned short)((b >> 16) | 0x40u);
    return (unsigned short)((b + 0x7fffu + ((b >> 16) & 1u)) >> 16);
}

__device__ __forceinline__ void store(float* p, float v) { *p = v; }
__device__ __forceinline__ void store(bf16* p, float v) { p->bits = bf16_bits(v); }

__device__ __forceinline__ float half_to_float(unsigned short h) {
    unsigned sign = ((unsigned)h & 0x8000u) << 16;
    unsigned exponent = ((unsigned)h >> 10) & 0x1fu, mantissa = (unsigned)h & 0x3ffu;
    if (exponent == 0x1fu) return __uint_as_float(sign | 0x7f800000u | (mantissa << 13));
    if (exponent == 0) {  // zero and subnormals: mantissa · 2^-24
        float magnitude = (float)mantissa * 5.9604644775390625e-8f;
        return sign ? -magnitude : magnitude;
    }
    return __uint_as_float(sign | ((exponent + 112u) << 23) | (mantissa << 13));
}

// Element i of a weight-like operand whose dtype is only known at run time.
__device__ __forceinline__ float load_any(const void* p, int dtype, long long i) {
    if (dtype == DTYPE_F32) return ((const float*)p)[i];
    unsigned short bits = ((const unsigned short*)p)[i];
    return dtype == DTYPE_BF16 ? __uint_as_float(((unsigned)bits) << 16) : half_to_float(bits);
}

__device__ __forceinline__ float warp_sum(float v) {
    for (int offset = 16; offset > 0; offset >>= 1) v += __shfl_xor_sync(0xffffffffu, v, offset);
    return v;
}

// Sum over the block (blockDim.x a multiple of 32); every thread gets the total. `scratch`: 32 floats of
// shared memory, reusable right after the call returns.
__device__ __forceinline__ float block_sum(float v, float* scratch) {
    const int warp = threadIdx.x >> 5, lane = threadIdx.x & 31, warps = blockDim.x >> 5;
    v = warp_sum(v);
    __syncthreads();  // an earlier call may still be reading scratch
    if (lane == 0) scratch[warp] = v;
    __syncthreads();
    return warp_sum(lane < warps ? scratch[lane] : 0.0f);
}

// Index of thread i of a one-dimensional grid-stride loop, and its stride.
__device__ __forceinline__ long long global_index() { return (long long)blockIdx.x * blockDim.x + threadIdx.x; }
__device__ __forceinline__ long long grid_stride() { return (long long)gridDim.x * blockDim.x; }
