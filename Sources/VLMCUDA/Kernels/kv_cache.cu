// Writes a step's keys and values into the paged cache: row t goes to slot slots[t] (block · blockSize +
// offset) of both caches; a negative slot is skipped, one past the cache is reported.
#include "common.cuh"

template <typename T>
__global__ void write_kv(const T* key, const T* value, const int* slots, T* key_cache, T* value_cache, int width,
                         long long slot_count, int* status) {
    const int slot = slots[blockIdx.x];
    if (slot < 0) return;
    if (slot >= slot_count) {
        if (threadIdx.x == 0) report(status, STATUS_KV_SLOT);
        return;
    }
    const long long from = (long long)blockIdx.x * width, to = (long long)slot * width;
    for (int j = threadIdx.x; j < width; j += blockDim.x) {
        key_cache[to + j] = key[from + j];
        value_cache[to + j] = value[from + j];
    }
}

#define VLM_KERNELS(X) X(write_kv<bf16>) X(write_kv<float>)
