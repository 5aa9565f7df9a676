// A host emulator of the CUDA driver and cuBLASLt for the tests: kernels from Sources/VLMCUDA/Kernels
// compiled as C++ run on emulated GPU threads (cooperative fibers with real barriers and warp shuffles),
// device memory is host memory, the stream runs synchronously. It lets CI check every kernel and the
// Swift backend against the CPU reference without a GPU; timing and real-hardware races are not covered.
#ifndef VLM_CUDA_EMULATOR_H
#define VLM_CUDA_EMULATOR_H

#ifdef __cplusplus
extern "C" {
#endif

/// The emulator's implementation of a driver or cuBLASLt function, by its C symbol name
/// (`cuLaunchKernel`, `cublasLtMatmul`, ...), or NULL.
void *vlm_emulator_symbol(const char *name);

/// Kernel launches so far (the tests check that an operation really ran on the emulated device).
unsigned long long vlm_emulator_launch_count(void);

#ifdef __cplusplus
}
#endif

#endif
