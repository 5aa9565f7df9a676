#!/usr/bin/env bash
# The whole test suite, from a fresh clone: install tools, generate fixtures, run `swift test`.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/fixtures/generate.sh
swift test "$@"
