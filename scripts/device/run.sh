#!/usr/bin/env bash
# Runs on the GPU machine (device tool, `carry: ["dist"]` after scripts/device/build.sh) and writes its
# tables to $OUT. Stages, in order, default all:
#   selftest              compile-kernels, then selftest (= vlm compile-kernels / vlm selftest --device cuda:
#                         every op vs the CPU at Qwen2-VL-7B shapes, tiny checkpoints end to end)
#                                                                           → compile-kernels.md, selftest.md
#   ceilings              copy bandwidth, bf16 GEMM and decode GEMV rates     → ceilings.jsonl
#   fullsize-qwen2-vl     7B-shaped random checkpoint: logits vs transformers, decode timings → fullsize-*.json
#   fullsize-qwen2.5-vl
# A device call may last 10 minutes: run `selftest ceilings` in one call and each fullsize stage in its own.
# summary.md (last) collects whatever the stages of this call produced.
set -uo pipefail
cd "$(dirname "$0")/../.."
OUT=${OUT:-/tmp/vlm-device-out}
mkdir -p "$OUT"
stages=("$@")
[ ${#stages[@]} -eq 0 ] && stages=(selftest ceilings fullsize-qwen2-vl fullsize-qwen2.5-vl)
source scripts/device/cuda_env.sh
log() { echo "[$(date +%H:%M:%S)] $*" | tee -a "$OUT/run.log"; }

if [ ! -x dist/cuda-benchmark ]; then
  log "dist/cuda-benchmark missing: run scripts/device/build.sh here and carry dist"
  exit 1
fi
nvidia-smi --query-gpu=name,driver_version,memory.total,memory.used,clocks.sm,clocks.mem --format=csv 2>&1 | tee -a "$OUT/run.log"
status=0
for stage in "${stages[@]}"; do
  log "stage $stage"
  case "$stage" in
    selftest)
      timeout 120 dist/cuda-benchmark compile-kernels --arch sm_90a > "$OUT/compile-kernels.md" 2>&1 || status=1
      tail -1 "$OUT/compile-kernels.md" | tee -a "$OUT/run.log"
      python3 scripts/fixtures/model/tiny_models.py .fixtures/model >> "$OUT/run.log" 2>&1 || status=1
      timeout 420 dist/cuda-benchmark selftest --output "$OUT/selftest.md" 2>&1 | grep -v '^|' | tee -a "$OUT/run.log"
      [ "${PIPESTATUS[0]}" -eq 0 ] || status=1
      ;;
    ceilings)
      { timeout 120 dist/cuda-benchmark bandwidth; timeout 180 dist/cuda-benchmark gemm; } 2>&1 | tee "$OUT/ceilings.jsonl" | tee -a "$OUT/run.log"
      [ "${PIPESTATUS[0]}" -eq 0 ] || status=1
      ;;
    fullsize-qwen2-vl | fullsize-qwen2.5-vl)
      bandwidth=$(timeout 60 dist/cuda-benchmark bandwidth --mebibytes 2048 --repeats 10 | python3 -c 'import json, sys; print(json.loads(sys.stdin.readline())["gb_per_s"])')
      timeout 540 python3 scripts/device/fullsize_check.py --family "${stage#fullsize-}" --bench dist/cuda-benchmark --out "$OUT" \
        --timings --bandwidth-gbs "${bandwidth:-0}" >> "$OUT/run.log" 2>&1 || status=1
      ;;
    *)
      log "unknown stage $stage"
      status=1
      ;;
  esac
done
python3 scripts/device/summarize.py "$OUT" | tee "$OUT/summary.md"
exit $status
