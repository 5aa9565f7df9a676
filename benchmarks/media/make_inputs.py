"""Benchmark inputs, written to the folder given (default /tmp/vlm-media-bench): a 4000×3000 photo-like
JPEG (quality 90, 4:2:0) and two 1920×1080 PNGs, one screenshot-like (flat areas, text-like
strokes) and one photo-like (noisy, nearly incompressible)."""
import os
import sys

import numpy as np
from PIL import Image, ImageDraw

out = sys.argv[1] if len(sys.argv) > 1 else "/tmp/vlm-media-bench"
os.makedirs(out, exist_ok=True)
rng = np.random.default_rng(1)


def photo(w, h):
    y, x = np.mgrid[0:h, 0:w].astype(np.float32)
    r = 128 + 90 * np.sin(x / 211.0) * np.cos(y / 157.0)
    g = 128 + 80 * np.sin((x + 2 * y) / 97.0)
    b = 60 + 150 * (y / h)
    a = np.stack([r, g, b], -1) + rng.normal(0, 9, (h, w, 3)).astype(np.float32)
    return Image.fromarray(np.clip(a, 0, 255).astype(np.uint8))


photo(4000, 3000).save(f"{out}/photo_4000x3000.jpg", quality=90)
photo(1920, 1080).save(f"{out}/photo_1920x1080.png")
shot = Image.new("RGB", (1920, 1080), (246, 247, 249))
draw = ImageDraw.Draw(shot)
draw.rectangle([0, 0, 1920, 64], fill=(40, 44, 52))
draw.rectangle([0, 64, 280, 1080], fill=(230, 232, 236))
words = ["model", "serve", "tensor", "kernel", "image", "token", "cache", "batch", "stream", "vision", "patch"]
for row in range(40):
    line = " ".join(words[int(i)] for i in rng.integers(0, len(words), 24))
    draw.text((320, 100 + row * 24), line, fill=tuple(int(v) for v in rng.integers(20, 120, 3)), font_size=15)
for row in range(38):
    draw.text((16, 90 + row * 26), words[row % len(words)].title(), fill=(60, 64, 72), font_size=14)
draw.ellipse([1500, 600, 1800, 900], fill=(66, 133, 244))
shot.save(f"{out}/screenshot_1920x1080.png")
for name in sorted(os.listdir(out)):
    print(name, os.path.getsize(f"{out}/{name}"))
