"""Latency and throughput of a running `vlm serve` through its OpenAI API, with the `requests` package.

On the demo checkpoint the model itself costs little, so the figures show what the serving path adds:
HTTP + JSON, chat template and tokenizer, image fetch/decode/preprocess, scheduling, SSE.
Usage: bench_chat.py BASE_URL [--requests N] [--concurrency C]
"""
import argparse
import base64
import io
import statistics
import time
from concurrent.futures import ThreadPoolExecutor

import requests
from PIL import Image


def jpeg_data_url(width, height, shade=0):
    buffer = io.BytesIO()
    gray = Image.radial_gradient("L").resize((width, height)).point(lambda v: (v + shade) % 256)
    gray.convert("RGB").save(buffer, format="JPEG", quality=90)
    return "data:image/jpeg;base64," + base64.b64encode(buffer.getvalue()).decode()


def chat(base, content, max_tokens, stream=False):
    body = {"messages": [{"role": "user", "content": content}], "max_tokens": max_tokens, "ignore_eos": True,
            "temperature": 0, "stream": stream}
    start = time.perf_counter()
    with requests.post(f"{base}/v1/chat/completions", json=body, stream=stream, timeout=600) as response:
        response.raise_for_status()
        if not stream:
            usage = response.json()["usage"]
            return time.perf_counter() - start, None, usage["completion_tokens"]
        first = None
        tokens = 0
        for line in response.iter_lines():
            if line.startswith(b"data: {") and b'"content":"' in line and b'"role"' not in line:
                tokens += 1
                first = first or time.perf_counter() - start
        return time.perf_counter() - start, first, tokens


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def run(name, base, content, max_tokens, count, concurrency, stream=False):
    """`content` is one message content for every request, or a function of the request number."""
    contents = content if callable(content) else (lambda _: content)
    chat(base, contents(-1), max_tokens, stream)  # warm-up
    start = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        results = list(pool.map(lambda i: chat(base, contents(i), max_tokens, stream), range(count)))
    wall = time.perf_counter() - start
    latencies = [r[0] * 1000 for r in results]
    tokens = sum(r[2] for r in results)
    ttft = [r[1] * 1000 for r in results if r[1] is not None]
    print(f"| {name} | {concurrency} | {count} | {statistics.median(latencies):.1f} | {percentile(latencies, 90):.1f} | "
          f"{(statistics.median(ttft) if ttft else float('nan')):.1f} | {count / wall:.1f} | {tokens / wall:.0f} |")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("base")
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()
    def with_image(url):
        return [{"type": "image_url", "image_url": {"url": url}}, {"type": "text", "text": "Describe."}]

    image = with_image(jpeg_data_url(1280, 960))
    # A different image per request: no prefix-cache or encoder-cache hit (the same image is cached by content).
    fresh = [with_image(jpeg_data_url(1280, 960, shade)) for shade in range(1, args.requests + 2)]
    probe = requests.post(f"{args.base}/v1/chat/completions", timeout=600,
                          json={"messages": [{"role": "user", "content": image}], "max_tokens": 1}).json()
    print(f"image tokens per request: {probe['usage']['prompt_tokens_details']['image_tokens']}\n")
    print("| case | concurrency | requests | p50 ms | p90 ms | TTFT p50 ms | req/s | tokens/s |")
    print("|---|---|---|---|---|---|---|---|")
    run("text, 1 token", args.base, "Hello", 1, args.requests, 1)
    run("same 1280×960 JPEG, 1 token", args.base, image, 1, args.requests, 1)
    run("new 1280×960 JPEG each, 1 token", args.base, lambda i: fresh[i + 1], 1, args.requests, 1)
    run("text, 32 tokens, stream", args.base, "Hello", 32, args.requests, 1, stream=True)
    run("text, 32 tokens", args.base, "Hello", 32, args.requests, args.concurrency)
    run("new 1280×960 JPEG each, 32 tokens", args.base, lambda i: fresh[i + 1], 32, args.requests, args.concurrency)


if __name__ == "__main__":
    main()
