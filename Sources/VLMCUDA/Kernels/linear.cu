// GEMM for the dtype combinations cuBLASLt is not asked to do (f32 activations with bf16 weights, a bias
// of another dtype than the output): out[m, n] = Σ_k x[m, k] · w[n, k] + bias[n], fp32 accumulation, one
// thread per output element. Correct rather than fast: the bf16 model path goes through cuBLASLt.
#include "common.cuh"

template <typename TX, typename TO>
__global__ void linear_fallback(const TX* x, const void* weight, int weight_dtype, const void* bias, int bias_dtype,
                                TO* out, int rows, int outputs, int inner) {
    const long long n = (long long)rows * outputs;
    for (long long i = global_index(); i < n; i += grid_stride()) {
        const long long row = i / outputs, column = i % outputs;
        const TX* input = x + row * inner;
        float sum = 0.0f;
        for (int k = 0; k < inner; k++) sum += to_float(input[k]) * load_any(weight, weight_dtype, column * inner + k);
        if (bias) sum += load_any(bias, bias_dtype, column);
        store(out + i, sum);
    }
}

#define VLM_KERNELS(X) \
    X(linear_fallback<bf16, bf16>) X(linear_fallback<bf16, float>) X(linear_fallback<float, float>)
