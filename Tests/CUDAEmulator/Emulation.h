// CUDA built-ins on the host, so that the kernel sources compile as C++ and run on the emulated threads
// of Scheduler.cpp. Only what the kernels use is here. `__shared__` variables become statics: blocks
// run one after another, and every thread of the running block sees the same object.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>

#define __global__
#define __device__
#define __forceinline__ inline
#define __shared__ static
#define __launch_bounds__(...)
#define __restrict__ __restrict

struct dim3 {
    unsigned x = 1, y = 1, z = 1;
};

namespace emulator {
const dim3 &thread_index();
const dim3 &block_index();
const dim3 &block_dim();
const dim3 &grid_dim();
void sync_threads();
// The value `lane ^ lane_mask` of the calling thread's warp passed in the same call.
uint64_t shuffle_xor(uint64_t bits, int lane_mask);
}  // namespace emulator

#define threadIdx (::emulator::thread_index())
#define blockIdx (::emulator::block_index())
#define blockDim (::emulator::block_dim())
#define gridDim (::emulator::grid_dim())

inline void __syncthreads() { emulator::sync_threads(); }

template <typename T>
inline T __shfl_xor_sync(unsigned, T value, int lane_mask, int = 32) {
    static_assert(sizeof(T) <= 8, "shuffle of a value wider than 8 bytes");
    uint64_t bits = 0;
    std::memcpy(&bits, &value, sizeof(T));
    bits = emulator::shuffle_xor(bits, lane_mask);
    T result;
    std::memcpy(&result, &bits, sizeof(T));
    return result;
}

inline unsigned __float_as_uint(float value) {
    unsigned bits;
    std::memcpy(&bits, &value, 4);
    return bits;
}

inline float __uint_as_float(unsigned bits) {
    float value;
    std::memcpy(&value, &bits, 4);
    return value;
}

// Threads never run at the same time, so plain read-modify-write is atomic here.
inline int atomicCAS(int *address, int compare, int value) {
    int old = *address;
    if (old == compare) *address = value;
    return old;
}

using std::max;
using std::min;
