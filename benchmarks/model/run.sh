#!/usr/bin/env bash
# Times the CPU reference backend (release build) on the tiny test checkpoints and on a 4-layer
# checkpoint with Qwen2-VL-2B's widths. Prints one JSON line per run. Usage: benchmarks/model/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
scripts/fixtures/model/make.sh
if [ ! -f .fixtures/model-bench/qwen2-vl-2b-shaped/model.safetensors ]; then
  python3 benchmarks/model/make_shaped.py .fixtures/model-bench
fi
swift build -c release --product ModelBenchmark >/dev/null
BIN=.build/release/ModelBenchmark
for model in .fixtures/model/qwen2-vl-tiny .fixtures/model/qwen2.5-vl-tiny; do
  "$BIN" "$model" 512 32 16
done
"$BIN" .fixtures/model-bench/qwen2-vl-2b-shaped 512 16 16
