#!/usr/bin/env bash
# Builds the sampler benchmark (release, with the engine's sampler sources) and prints a Markdown table.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
src=Sources/VLMEngine
swiftc -O -o "$out/sampler-bench" "$src/Sampler.swift" "$src/SamplingWeights.swift" "$src/SeededGenerator.swift" \
  "$src/EngineAPI.swift" benchmarks/engine/sampler/main.swift
"$out/sampler-bench"
