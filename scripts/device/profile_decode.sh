#!/usr/bin/env bash
# Runs on the GPU machine (device tool, `carry: ["dist"]`): where one batch-1 decode step's time goes, at
# 1300 context on a 7B-shaped random checkpoint. Times plain decode steps, then runs the same decode under
# Nsight Compute twice (1 and 3 timed steps; the difference is two steps' launches) with only each
# kernel's duration collected, and writes decode-breakdown.md (per kernel: launches and GPU time per step,
# and the step's GPU time next to its wall time). Usage: profile_decode.sh [qwen2-vl|qwen2.5-vl]
set -uo pipefail
cd "$(dirname "$0")/../.."
OUT=${OUT:-/tmp/vlm-device-out}
mkdir -p "$OUT"
family=${1:-qwen2-vl}
source scripts/device/cuda_env.sh
folder=/tmp/vlm-profile/$family
python3 - "$family" "$folder" <<'PY'
import os, shutil, sys
sys.path.insert(0, "scripts/device")
import fullsize_check
family, folder = sys.argv[1], sys.argv[2]
shutil.rmtree(folder, ignore_errors=True)
os.makedirs(folder)
fullsize_check.make_model(family, False, "cuda", folder)
PY
decode=(dist/cuda-benchmark decode --device cuda --model "$folder" --context 1300)
"${decode[@]}" --steps 32 | tail -1 > "$OUT/decode-plain.json"
cat "$OUT/decode-plain.json"
ncu=$(command -v ncu || ls /opt/nvidia/nsight-compute/*/ncu 2>/dev/null | head -1)
for steps in 1 3; do
  timeout 400 "$ncu" --clock-control none --metrics gpu__time_duration.sum --csv --page raw \
    --log-file "$OUT/ncu-steps$steps.csv" "${decode[@]}" --steps "$steps" > "$OUT/ncu-steps$steps.out"
done
python3 scripts/device/decode_breakdown.py "$OUT/ncu-steps1.csv" "$OUT/ncu-steps3.csv" "$OUT/decode-plain.json" \
  | tee "$OUT/decode-breakdown.md"
