#!/usr/bin/env bash
# Builds the demo checkpoint `vlm serve` serves when no MODEL is given: the tiny random-weight Qwen2-VL of
# the model fixtures (scripts/fixtures/model/tiny_models.py: the real architecture, 2 layers, numpy) with
# the real Qwen2-VL tokenizer (built from the ranks in the `dashscope` package by
# scripts/fixtures/tokenizer/build_tokenizer.py) and the Qwen2-VL chat template. Its answers are noise.
# Needs python3 with numpy and dashscope (scripts/requirements-test.txt). `vlm serve` runs this on first
# start; the folder is built aside and moved into place, so an interrupted run leaves nothing half made.
# Usage: scripts/demo/make_demo.sh OUT_DIR
set -euo pipefail
out=${1:?usage: make_demo.sh OUT_DIR}
cd "$(dirname "$0")/../.."
mkdir -p "$(dirname "$out")"
work=$(mktemp -d "$out.building.XXXXXX")
trap 'rm -rf "$work"' EXIT

python3 scripts/fixtures/model/tiny_models.py "$work/models" >/dev/null
python3 scripts/fixtures/tokenizer/build_tokenizer.py --variant qwen2-vl --out "$work/tokenizer" >/dev/null
demo="$work/models/qwen2-vl-tiny"
cp "$work/tokenizer/tokenizer.json" "$work/tokenizer/tokenizer_config.json" "$demo/"
# Images up to 1003520 pixels (1280 tokens, a common Qwen2-VL setting): the start-up profiling step pushes
# the largest image through the vision tower, which at the checkpoint default (12845056) takes minutes on a CPU.
python3 - "$demo/preprocessor_config.json" <<'PY'
import json, sys
with open(sys.argv[1]) as f:
    config = json.load(f)
config["max_pixels"] = 1003520
with open(sys.argv[1], "w") as f:
    json.dump(config, f, indent=2)
PY
python3 - "$demo/chat_template.json" <<'PY'
import json, sys
sys.path.insert(0, "scripts/fixtures/template")
from qwen_template import QWEN_VL_CHAT_TEMPLATE
with open(sys.argv[1], "w", encoding="utf-8") as f:
    json.dump({"chat_template": QWEN_VL_CHAT_TEMPLATE}, f, ensure_ascii=False, indent=2)
PY
cat > "$demo/README.md" <<'MD'
# vlm demo checkpoint

Qwen2-VL architecture at toy size (hidden 64, 2 layers, vision depth 2) with random weights and the real
Qwen2-VL tokenizer and chat template; images are processed up to 1003520 pixels (1280 tokens). Every part
of the serving path runs for real; the answers are noise.
Made by scripts/demo/make_demo.sh.
MD
rm -rf "$out"
mv "$demo" "$out"
echo "demo checkpoint: $out"
