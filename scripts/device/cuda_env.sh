# Sourced by the device scripts: NVRTC and cuBLASLt from the CUDA toolkit, else from the Python wheels
# (their folders on the library path also let libnvrtc find its builtins); compiled kernels cached.
export PYTHONUNBUFFERED=1
export VLM_KERNEL_CACHE=/tmp/vlm-kernels
wheel_libs=$(python3 -c 'import glob, os, nvidia; print(":".join(sorted({os.path.dirname(p) for r in nvidia.__path__ for p in glob.glob(os.path.join(r, "*", "lib", "lib*.so*"))})))' 2>/dev/null)
export LD_LIBRARY_PATH="/usr/local/cuda/lib64:${wheel_libs}:${LD_LIBRARY_PATH:-}"
