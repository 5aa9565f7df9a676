#!/usr/bin/env python3
"""Collects the device run's outputs in OUT (run.sh) into one markdown table: ceilings, self-test verdict,
full-size check per family, decode timings against the bandwidth floor and transformers."""
import glob
import json
import os
import sys


def rows(out):
    yield "| measure | value |"
    yield "|---|---|"
    ceilings = os.path.join(out, "ceilings.jsonl")
    if os.path.exists(ceilings):
        for line in open(ceilings):
            if line.startswith("{"):
                r = json.loads(line)
                rate = {k: v for k, v in r.items() if k.endswith("_per_s")}
                yield f"| {r['measure']} | " + ", ".join(f"{v:.1f} {k.replace('_per_s', '/s').replace('_', ' ')}" for k, v in rate.items()) + f" ({r['median_ms']:.3f} ms) |"
    selftest = os.path.join(out, "selftest.md")
    if os.path.exists(selftest):
        yield f"| vlm selftest --device cuda | {open(selftest).read().strip().splitlines()[-1]} |"
    for path in sorted(glob.glob(os.path.join(out, "fullsize-*.json"))):
        r = json.load(open(path))
        family = r["family"]
        c = r["ours_vs_transformers_bf16"]
        yield (f"| {family}: ours vs transformers bf16, {r['positions']} positions | min cosine {c['min_cosine']:.6f} "
               f"({c['positions_below_0.999']} below 0.999), top-1 {100 * c['top1']:.2f}% → {'PASS' if r['passed'] else 'FAIL'} |")
        for key, label in [("transformers_bf16_vs_fp32", "transformers bf16 vs fp32"), ("ours_vs_transformers_fp32", "ours vs transformers fp32")]:
            c = r[key]
            yield (f"| {family}: {label} | min cosine {c['min_cosine']:.6f}, top-1 {100 * c['top1']:.2f}%, "
                   f"top-1 where the fp32 margin > 0.05: {100 * c['top1_where_clear']:.2f}% of {c['clear_positions']} |")
        if "ours_decode" in r:
            d = r["ours_decode"]
            floor = f", floor {r['decode_floor_ms']:.2f} ms ({r['llm_weight_bytes'] / 1e9:.2f} GB of LLM weights)" if "decode_floor_ms" in r else ""
            yield f"| {family}: our batch-1 decode at {d['context']} context | {d['decode_median_ms']:.2f} ms/token (median of {d['steps']}){floor} |"
            yield (f"| {family}: transformers generate at 1300 context | {r['transformers_generate_ms_per_token']:.2f} ms/token, "
                   f"{r['transformers_generate_tok_per_s']:.1f} tok/s (ours {1000 / d['decode_median_ms']:.1f} tok/s) |")


if __name__ == "__main__":
    print("\n".join(rows(sys.argv[1])))
