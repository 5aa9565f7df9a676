// The cuBLASLt subset MatmulPlanner.swift uses, on the host: column-major D = op(A)·op(B) (+ bias per row
// of D), fp32 accumulation, as cublasLt.h documents it. The heuristic accepts what cuBLASLt's
// CUBLAS_COMPUTE_32F table lists for these types (A and B alike, C = D of A's type or f32) and refuses
// the rest, so the backend's fallback path is exercised the same way as on a GPU.
#include <cstdint>
#include <cstring>
#include <map>
#include <string>

#include "Device.h"

namespace emulator {
namespace {
enum : int { kOK = 0, kInvalid = 7, kNotSupported = 15 };
enum : int { kF32 = 0, kF16 = 2, kBF16 = 14 };

struct MatmulDescription {
    int compute = 0, scale = 0;
    int transpose_a = 0, transpose_b = 0;
    uint32_t epilogue = 1;
    uint64_t bias = 0;
};

struct Layout {
    int type = 0;
    uint64_t rows = 0, columns = 0;
    int64_t leading = 0;
};

int handle_object, preference_object;

float load(int type, const void *base, uint64_t index) {
    switch (type) {
        case kF32: return static_cast<const float *>(base)[index];
        case kF16: return static_cast<float>(static_cast<const _Float16 *>(base)[index]);
        default: {
            uint32_t bits = static_cast<uint32_t>(static_cast<const uint16_t *>(base)[index]) << 16;
            float value;
            std::memcpy(&value, &bits, 4);
            return value;
        }
    }
}

void store(int type, void *base, uint64_t index, float value) {
    switch (type) {
        case kF32: static_cast<float *>(base)[index] = value; break;
        case kF16: static_cast<_Float16 *>(base)[index] = static_cast<_Float16>(value); break;
        default: {
            uint32_t bits;
            std::memcpy(&bits, &value, 4);
            if ((bits & 0x7fffffffu) > 0x7f800000u) {
                static_cast<uint16_t *>(base)[index] = static_cast<uint16_t>((bits >> 16) | 0x40u);
            } else {
                static_cast<uint16_t *>(base)[index] = static_cast<uint16_t>((bits + 0x7fffu + ((bits >> 16) & 1u)) >> 16);
            }
        }
    }
}

bool is_type(int type) { return type == kF32 || type == kF16 || type == kBF16; }

int cublasLtCreate(void **handle) {
    *handle = &handle_object;
    return kOK;
}
int cublasLtDestroy(void *) { return kOK; }
int cublasLtMatmulDescCreate(void **description, int compute, int scale) {
    *description = new MatmulDescription{compute, scale};
    return kOK;
}
int cublasLtMatmulDescDestroy(void *description) {
    delete static_cast<MatmulDescription *>(description);
    return kOK;
}
int cublasLtMatmulDescSetAttribute(void *description, int attribute, const void *buffer, size_t size) {
    auto *d = static_cast<MatmulDescription *>(description);
    switch (attribute) {
        case 3: if (size != 4) return kInvalid; std::memcpy(&d->transpose_a, buffer, 4); return kOK;
        case 4: if (size != 4) return kInvalid; std::memcpy(&d->transpose_b, buffer, 4); return kOK;
        case 7: if (size != 4) return kInvalid; std::memcpy(&d->epilogue, buffer, 4); return kOK;
        case 8: if (size != 8) return kInvalid; std::memcpy(&d->bias, buffer, 8); return kOK;
        default: return kInvalid;
    }
}
int cublasLtMatrixLayoutCreate(void **layout, int type, uint64_t rows, uint64_t columns, int64_t leading) {
    if (!is_type(type) || leading < static_cast<int64_t>(rows)) return kInvalid;
    *layout = new Layout{type, rows, columns, leading};
    return kOK;
}
int cublasLtMatrixLayoutDestroy(void *layout) {
    delete static_cast<Layout *>(layout);
    return kOK;
}
int cublasLtMatmulPreferenceCreate(void **preference) {
    *preference = &preference_object;
    return kOK;
}
int cublasLtMatmulPreferenceDestroy(void *) { return kOK; }
int cublasLtMatmulPreferenceSetAttribute(void *, int attribute, const void *, size_t size) {
    if (attribute == 1) return size == 8 ? kOK : kInvalid;                      // max workspace, uint64
    if (attribute >= 5 && attribute <= 8) return size == 4 ? kOK : kInvalid;    // minimum alignments, uint32
    return kInvalid;
}

// m × k times k × n; the shapes of op(A), op(B), C and D must agree.
bool shapes(const MatmulDescription &d, const Layout &a, const Layout &b, const Layout &c, const Layout &out, uint64_t &m, uint64_t &n,
            uint64_t &k) {
    m = out.rows;
    n = out.columns;
    k = d.transpose_a ? a.rows : a.columns;
    const uint64_t a_rows = d.transpose_a ? a.columns : a.rows;
    const uint64_t b_rows = d.transpose_b ? b.columns : b.rows, b_columns = d.transpose_b ? b.rows : b.columns;
    return a_rows == m && b_rows == k && b_columns == n && c.rows == m && c.columns == n;
}

bool supported(const MatmulDescription &d, const Layout &a, const Layout &b, const Layout &c, const Layout &out) {
    return d.compute == 68 && d.scale == kF32 && a.type == b.type && c.type == out.type && (out.type == a.type || out.type == kF32)
        && (d.epilogue == 1 || d.epilogue == 4);
}

int cublasLtMatmulAlgoGetHeuristic(void *, void *description, void *a, void *b, void *c, void *out, void *, int requested, void *results,
                                   int *returned) {
    auto &d = *static_cast<MatmulDescription *>(description);
    const auto &la = *static_cast<Layout *>(a), &lb = *static_cast<Layout *>(b), &lc = *static_cast<Layout *>(c), &ld = *static_cast<Layout *>(out);
    uint64_t m, n, k;
    *returned = 0;
    if (requested < 1 || !shapes(d, la, lb, lc, ld, m, n, k)) return kInvalid;
    if (!supported(d, la, lb, lc, ld)) return kNotSupported;
    std::memset(results, 0, 96);  // algorithm, workspace size 0, state OK
    *returned = 1;
    return kOK;
}

int cublasLtMatmul(void *, void *description, const void *alpha, const void *a, void *a_layout, const void *b, void *b_layout, const void *beta,
                   const void *c, void *c_layout, void *out, void *out_layout, const void *, void *, size_t, void *) {
    const MatmulDescription d = *static_cast<MatmulDescription *>(description);
    const Layout la = *static_cast<Layout *>(a_layout), lb = *static_cast<Layout *>(b_layout), lc = *static_cast<Layout *>(c_layout),
                 ld = *static_cast<Layout *>(out_layout);
    uint64_t m, n, k;
    if (!shapes(d, la, lb, lc, ld, m, n, k) || !supported(d, la, lb, lc, ld)) return kInvalid;
    if (d.epilogue == 4 && d.bias == 0) return kInvalid;
    const float alpha_value = *static_cast<const float *>(alpha), beta_value = *static_cast<const float *>(beta);
    const auto in_a = (la.leading * (la.columns - 1) + la.rows) * (la.type == kF32 ? 4 : 2);
    const auto in_b = (lb.leading * (lb.columns - 1) + lb.rows) * (lb.type == kF32 ? 4 : 2);
    const auto in_out = (ld.leading * (ld.columns - 1) + ld.rows) * (ld.type == kF32 ? 4 : 2);
    if (!is_device_range(reinterpret_cast<uint64_t>(a), in_a) || !is_device_range(reinterpret_cast<uint64_t>(b), in_b)
        || !is_device_range(reinterpret_cast<uint64_t>(out), in_out)) {
        return kInvalid;
    }
    enqueue([=] {
        for (uint64_t j = 0; j < n; j++) {
            for (uint64_t i = 0; i < m; i++) {
                float sum = 0;
                for (uint64_t p = 0; p < k; p++) {
                    const float x = d.transpose_a ? load(la.type, a, p + i * la.leading) : load(la.type, a, i + p * la.leading);
                    const float y = d.transpose_b ? load(lb.type, b, j + p * lb.leading) : load(lb.type, b, p + j * lb.leading);
                    sum += x * y;
                }
                float value = alpha_value * sum;
                if (beta_value != 0) value += beta_value * load(lc.type, c, i + j * lc.leading);
                if (d.epilogue == 4) value += load(ld.type, reinterpret_cast<const void *>(d.bias), i);
                store(ld.type, out, i + j * ld.leading, value);
            }
        }
    });
    return kOK;
}

}  // namespace

#define VLM_BLAS_SYMBOL(function) {#function, reinterpret_cast<void *>(&Locked<function>::call)},
const std::map<std::string, void *> &blas_symbols() {
    static const std::map<std::string, void *> table = {
        VLM_BLAS_SYMBOL(cublasLtCreate)
        VLM_BLAS_SYMBOL(cublasLtDestroy)
        VLM_BLAS_SYMBOL(cublasLtMatmulDescCreate)
        VLM_BLAS_SYMBOL(cublasLtMatmulDescDestroy)
        VLM_BLAS_SYMBOL(cublasLtMatmulDescSetAttribute)
        VLM_BLAS_SYMBOL(cublasLtMatrixLayoutCreate)
        VLM_BLAS_SYMBOL(cublasLtMatrixLayoutDestroy)
        VLM_BLAS_SYMBOL(cublasLtMatmulPreferenceCreate)
        VLM_BLAS_SYMBOL(cublasLtMatmulPreferenceDestroy)
        VLM_BLAS_SYMBOL(cublasLtMatmulPreferenceSetAttribute)
        VLM_BLAS_SYMBOL(cublasLtMatmulAlgoGetHeuristic)
        VLM_BLAS_SYMBOL(cublasLtMatmul)
    };
    return table;
}

}  // namespace emulator
