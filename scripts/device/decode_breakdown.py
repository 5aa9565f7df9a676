"""Per-kernel GPU time of one decode step from two Nsight Compute runs of `cuda-benchmark decode` that differ
only in the number of steps (1 and 3): the last (launches(3) − launches(1)) / 2 launches of the longer run are
one decode step. Prints a markdown table. Usage: decode_breakdown.py STEPS1.csv STEPS3.csv DECODE.json"""
import collections
import csv
import json
import re
import sys


def launches(path):
    """(kernel name, duration in µs) per launch, in launch order, from `ncu --csv --page raw`."""
    lines = open(path).read().splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith('"ID"'))
    rows = list(csv.reader(lines[start:]))
    header, units = rows[0], rows[1]
    name, duration = header.index("Kernel Name"), header.index("gpu__time_duration.sum")
    scale = {"ns": 1e-3, "nsecond": 1e-3, "us": 1.0, "usecond": 1.0, "ms": 1e3, "msecond": 1e3}[units[duration]]
    return [(row[name], float(row[duration].replace(",", "")) * scale) for row in rows[2:] if len(row) == len(header)]


def short(kernel):
    return re.sub(r"\(.*$", "", kernel)[:70]


one, three = launches(sys.argv[1]), launches(sys.argv[2])
decode = json.loads(open(sys.argv[3]).read())
per_step = (len(three) - len(one)) // 2
step = three[-per_step:]
totals = collections.defaultdict(lambda: [0, 0.0])
for kernel, micros in step:
    totals[short(kernel)][0] += 1
    totals[short(kernel)][1] += micros
gpu_ms = sum(m for _, m in step) / 1000
print(f"one decode step at {decode['context']} context: {per_step} launches, {gpu_ms:.2f} ms of kernel time; "
      f"wall {decode['decode_median_ms']:.2f} ms/token (median of {decode['steps']}, no profiler)\n")
print("| kernel | launches | µs per step | share |\n|---|---|---|---|")
for kernel, (count, micros) in sorted(totals.items(), key=lambda item: -item[1][1]):
    print(f"| `{kernel}` | {count} | {micros:.0f} | {100 * micros / 1000 / gpu_ms:.1f}% |")
