"""Times transformers' Qwen2VLImageProcessorPil on encoded files, as a server would run it: open the
bytes with Pillow, qwen-vl-utils `to_rgb`, then the processor. Prints per-run wall and process CPU
time and the medians. Usage: bench_reference.py FILE MAX_PIXELS [RUNS]"""
import io
import os
import statistics
import sys
import time
import warnings

from PIL import Image
from transformers.models.qwen2_vl.image_processing_pil_qwen2_vl import Qwen2VLImageProcessorPil

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../scripts/fixtures/media"))
from goldens import to_rgb  # noqa: E402  qwen-vl-utils' to_rgb

warnings.filterwarnings("ignore")
path, max_pixels = sys.argv[1], int(sys.argv[2])
runs = int(sys.argv[3]) if len(sys.argv) > 3 else 7
data = open(path, "rb").read()
processor = Qwen2VLImageProcessorPil(min_pixels=3136, max_pixels=max_pixels)


walls, cpus = [], []
for run in range(runs):
    wall0, cpu0 = time.perf_counter(), time.process_time()
    out = processor(images=[to_rgb(Image.open(io.BytesIO(data)))])
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    walls.append(wall)
    cpus.append(cpu)
    print(f"run {run}: wall {wall * 1000:.1f} ms, cpu {cpu * 1000:.1f} ms, grid {out['image_grid_thw'][0].tolist()}")
print(f"median: wall {statistics.median(walls) * 1000:.1f} ms, cpu {statistics.median(cpus) * 1000:.1f} ms")
