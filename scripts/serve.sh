#!/usr/bin/env bash
# Builds the release binary and starts the server: `scripts/serve.sh [MODEL] [vllm-style flags...]`.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
swift build -c release --product vlm
exec .build/release/vlm serve "$@"
