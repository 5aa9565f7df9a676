#!/usr/bin/env python3
"""Encode throughput of VLMTokenizer against Hugging Face `tokenizers` (Python binding, one thread) on
the same generated ~10 MB mixed-language document, on the same machine. Reports CPU time, not wall
time, because the machine may be shared. See README.md for the method.

Usage: bench.py [--megabytes 10] [--repeats 3] [--variant qwen2-vl]
(run from the package root after scripts/fixtures/tokenizer/make.sh and
 `swift build -c release --product TokenizerBenchmark`)
"""
import argparse
import json
import os
import platform
import subprocess
import sys
import time

os.environ["RAYON_NUM_THREADS"] = "1"  # before importing tokenizers: one thread
os.environ["TOKENIZERS_PARALLELISM"] = "false"

import tokenizers  # noqa: E402
from tokenizers import Tokenizer  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "scripts", "fixtures", "tokenizer"))
import texts  # noqa: E402


def checksum(ids):
    total = 0
    for index, token in enumerate(ids):
        total = (total + (index + 1) * token) % 2305843009213693951
    return total


def measure_hf(model_dir, text, repeats):
    start = time.process_time()
    tokenizer = Tokenizer.from_file(os.path.join(model_dir, "tokenizer.json"))
    load = time.process_time() - start
    start = time.process_time()
    ids = tokenizer.encode(text).ids
    cold = time.process_time() - start
    best = float("inf")
    for _ in range(repeats):
        start = time.process_time()
        ids = tokenizer.encode(text).ids
        best = min(best, time.process_time() - start)
    return {"ids": len(ids), "checksum": checksum(ids), "load_cpu_s": load, "cold_cpu_s": cold, "best_cpu_s": best}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--megabytes", type=float, default=10)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--variant", default="qwen2-vl")
    args = parser.parse_args()
    model_dir = os.path.join(ROOT, ".fixtures", "tokenizer", args.variant)
    text = texts.long_document(seed=7, minimum_bytes=int(args.megabytes * 1_000_000))
    path = os.path.join(ROOT, ".fixtures", "tokenizer", "benchmark.txt")
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(text)
    size = len(text.encode())
    binary = os.path.join(ROOT, ".build", "release", "TokenizerBenchmark")
    swift = json.loads(subprocess.run([binary, model_dir, path, str(args.repeats)], check=True,
                                      capture_output=True, text=True).stdout)
    hf = measure_hf(model_dir, text, args.repeats)
    if (swift["ids"], swift["checksum"]) != (hf["ids"], hf["checksum"]):
        raise SystemExit(f"different ids: swift {swift} hf {hf}")
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, {platform.platform()}")
    print(f"document: {size / 1e6:.2f} MB, {hf['ids']} ids (identical on both sides); tokenizers {tokenizers.__version__}")
    print("| encoder | load CPU s | first encode CPU s | MB/s | best of %d CPU s | MB/s |" % args.repeats)
    print("|---|---|---|---|---|---|")
    for name, r in [("HF tokenizers (Python, 1 thread)", hf), ("VLMTokenizer (Swift, release)", swift)]:
        print(f"| {name} | {r['load_cpu_s']:.3f} | {r['cold_cpu_s']:.3f} | {size / 1e6 / r['cold_cpu_s']:.2f} "
              f"| {r['best_cpu_s']:.3f} | {size / 1e6 / r['best_cpu_s']:.2f} |")
    print(f"speed-up: first encode {hf['cold_cpu_s'] / swift['cold_cpu_s']:.2f}x, best {hf['best_cpu_s'] / swift['best_cpu_s']:.2f}x")


if __name__ == "__main__":
    main()
