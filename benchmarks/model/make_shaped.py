"""A random-weight checkpoint with Qwen2-VL-2B's widths (text hidden 1536, 12 heads / 2 kv, MLP 8960,
vocabulary 151936; ViT width 1280, 16 heads, MLP 5120) but only a few layers, for timing the CPU backend
at real widths. Written in the original layout by the test-fixture writer. Usage: make_shaped.py OUT_DIR"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../scripts/fixtures/model"))
import tiny_models  # noqa: E402

SHAPED = dict(
    name="qwen2-vl-2b-shaped", seed=7, family="qwen2_vl",
    hidden=1536, heads=12, kv_heads=2, intermediate=8960, layers=4, mrope_section=[16, 24, 24], tied=True,
    vision_width=1280, vision_heads=16, vision_depth=4, vision_mlp=5120,
)


def chunked_weights(m):
    """Like tiny_models.generate_weights, drawn in 16M-value chunks to bound memory."""
    rs = np.random.RandomState(m["seed"])
    weights = {}
    for name, shape, kind in tiny_models.tensor_specs(m):
        count, parts = int(np.prod(shape)), []
        for start in range(0, count, 1 << 24):
            values = rs.standard_normal(size=min(1 << 24, count - start)).astype(np.float32) * np.float32(0.02)
            parts.append(tiny_models.to_bf16_bits(values + np.float32(1.0) if kind == "n" else values))
        weights[name] = np.concatenate(parts).reshape(shape)
    return weights


if __name__ == "__main__":
    tiny_models.generate_weights = chunked_weights
    tiny_models.write_model(SHAPED, sys.argv[1])
