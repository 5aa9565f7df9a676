#!/usr/bin/env bash
# Runs the media benchmark: ours (release build, in process) and transformers' Qwen2VLImageProcessorPil
# on the same inputs, alternating so both see the same machine load. Usage: run.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-7}
inputs=/tmp/vlm-media-bench
python3 benchmarks/media/make_inputs.py "$inputs" > /dev/null
swift build -c release --product MediaBenchmark > /dev/null
bench=.build/release/MediaBenchmark
for spec in "photo_4000x3000.jpg 12845056" "photo_1920x1080.png 1003520" "screenshot_1920x1080.png 1003520"; do
  set -- $spec
  echo "== $1 (max_pixels $2), $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg)"
  echo "transformers PIL:    $(python3 benchmarks/media/bench_reference.py "$inputs/$1" "$2" "$runs" | tail -1)"
  echo "ours, 1 thread:      $(VLM_MEDIA_THREADS=1 "$bench" "$inputs/$1" "$2" "$runs" | tail -1)"
  echo "ours:                $("$bench" "$inputs/$1" "$2" "$runs" | tail -1)"
  echo "ours, reused output: $("$bench" "$inputs/$1" "$2" "$runs" --reuse | tail -1)"
done
