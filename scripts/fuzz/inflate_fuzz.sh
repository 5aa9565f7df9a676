#!/usr/bin/env bash
# Fuzzes the PNG inflater with libFuzzer + ASan + UBSan (the Swift toolchain's clang), seeded with the
# zlib streams of .fixtures/media/inflate (scripts/fixtures/generate.sh makes them).
# Usage: inflate_fuzz.sh [SECONDS]   (default 600; a crash leaves crash-* files in /tmp/vlm-fuzz)
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-600}
work=/tmp/vlm-fuzz
mkdir -p "$work/corpus"
shim=Sources/CMediaShim
clang -g -O1 -march=haswell -fsanitize=fuzzer,address,undefined -I"$shim/include" scripts/fuzz/inflate_fuzz.c \
  "$shim"/inflate.c "$shim"/adler32.c "$shim"/png_unfilter.c -o "$work/inflate_fuzz"
python3 - "$work/corpus" <<'PY'
import json, sys
root = ".fixtures/media/inflate/"
cases = json.load(open(root + "cases.json"))
blob = open(root + "streams.bin", "rb").read()
small = [c for c in cases if c["length"] < 6000][:300]
for i, c in enumerate(small):
    open(f"{sys.argv[1]}/seed{i}", "wb").write(bytes([255, 255, i % 13]) + blob[c["offset"]:c["offset"] + c["length"]])
PY
cd "$work" && ./inflate_fuzz -max_total_time="$seconds" -rss_limit_mb=4096 -max_len=200000 corpus
