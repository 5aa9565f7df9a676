// Row gathers: token embeddings (converting the table's dtype) and dtype-agnostic row copies by index.
// One block per output row. An index outside its table is reported in the status word, and that row is
// left unwritten.
#include "common.cuh"

template <typename T>
__global__ void embedding(const int* ids, const void* table, int table_dtype, T* out, int width, int vocabulary,
                          int* status) {
    const int id = ids[blockIdx.x];
    if (id < 0 || id >= vocabulary) {
        if (threadIdx.x == 0) report(status, STATUS_EMBEDDING_ID);
        return;
    }
    T* row = out + (long long)blockIdx.x * width;
    for (int j = threadIdx.x; j < width; j += blockDim.x) store(row + j, load_any(table, table_dtype, (long long)id * width + j));
}

// out[i] = src[indices[i]] for rows of `row_words` 16-bit words (every dtype is a whole number of them).
__global__ void gather_rows(const unsigned short* src, const int* indices, unsigned short* out, long long row_words,
                            int source_rows, int* status) {
    const int index = indices[blockIdx.x];
    if (index < 0 || index >= source_rows) {
        if (threadIdx.x == 0) report(status, STATUS_GATHER_INDEX);
        return;
    }
    const unsigned short* from = src + (long long)index * row_words;
    unsigned short* to = out + (long long)blockIdx.x * row_words;
    for (long long j = threadIdx.x; j < row_words; j += blockDim.x) to[j] = from[j];
}

#define VLM_KERNELS(X) \
    X(embedding<bf16>) X(embedding<float>) \
    X(gather_rows)
