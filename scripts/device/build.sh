#!/usr/bin/env bash
# Builds what scripts/device/run.sh needs on the GPU machine into dist/ (git-ignored): the static, stripped
# `cuda-benchmark` (Swift runtime linked in, so the machine needs only glibc, libstdc++ and the NVIDIA
# driver; NVRTC and cuBLASLt come from its CUDA install or Python wheels at run time). It carries
# `vlm selftest --device cuda` and `vlm compile-kernels` (same code, CUDASelfTest / KernelCompileCheck):
# `vlm` itself links Debian's ffmpeg and image libraries, which that machine does not have. The working
# tree plus dist/ must stay under the device tool's 64 MiB: pass `carry: ["dist"]` with the run call.
set -euo pipefail
cd "$(dirname "$0")/../.."
swift build -c release --static-swift-stdlib --product CUDABenchmark
rm -rf dist
mkdir -p dist
cp .build/release/CUDABenchmark dist/cuda-benchmark
strip dist/cuda-benchmark
echo "dist/cuda-benchmark: $(du -h dist/cuda-benchmark | cut -f1), needs: $(ldd dist/cuda-benchmark 2>/dev/null | awk '{print $1}' | tr '\n' ' ')"
tree_bytes=$(git ls-files -z --cached --others --exclude-standard | du -cb --files0-from=- 2>/dev/null | tail -1 | cut -f1)
dist_bytes=$(du -cb dist | tail -1 | cut -f1)
echo "working tree $((tree_bytes >> 20)) MiB + dist $((dist_bytes >> 20)) MiB (limit 64 MiB)"
if [ $((tree_bytes + dist_bytes)) -ge $((64 << 20)) ]; then
  echo "build.sh: over the device tool's 64 MiB" >&2
  exit 1
fi
