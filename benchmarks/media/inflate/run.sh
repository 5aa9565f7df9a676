#!/usr/bin/env bash
# Builds inflate_bench.c against our decoder (Sources/CMediaShim) and system zlib (libdeflate too when
# libdeflate-dev is installed) and runs it on the media benchmark's PNGs. Usage: run.sh [PNG...]
set -euo pipefail
cd "$(dirname "$0")/../../.."
inputs=/tmp/vlm-media-bench
[ $# -gt 0 ] || { python3 benchmarks/media/make_inputs.py "$inputs" > /dev/null; set -- "$inputs"/*.png; }
shim=Sources/CMediaShim
[ -f /usr/include/zlib.h ] || { echo "inflate/run.sh: needs zlib's headers (apt-get install zlib1g-dev)" >&2; exit 1; }
extra=(); [ -f /usr/include/libdeflate.h ] && extra=(-DHAVE_LIBDEFLATE -ldeflate)
flags=(-O2); [ "$(uname -m)" = x86_64 ] && flags+=(-march=haswell)  # as Package.swift builds CMediaShim
cc "${flags[@]}" -I"$shim/include" benchmarks/media/inflate/inflate_bench.c "$shim"/inflate.c "$shim"/adler32.c \
  -o /tmp/vlm-inflate-bench -lz -lpthread "${extra[@]}"
for png in "$@"; do /tmp/vlm-inflate-bench "$png"; done
