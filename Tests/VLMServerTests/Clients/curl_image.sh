#!/usr/bin/env bash
# The curl example of the tutorials: a bearer key and an image as `data:image;base64,` (no subtype).
# Usage: curl_image.sh BASE_URL API_KEY
set -euo pipefail
image=$(python3 -c 'import base64, sys; sys.path.insert(0, sys.argv[1]); from client_common import jpeg_bytes; print(base64.b64encode(jpeg_bytes()).decode())' "$(dirname "$0")")
body=$(printf '{"model":"test-model","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"data:image;base64,%s"}},{"type":"text","text":"Describe it."}]}],"max_tokens":64}' "$image")
answer=$(curl -sS -X POST "$1/v1/chat/completions" -H "Content-Type: application/json" -H "Authorization: Bearer $2" -d "$body")
echo "$answer"
echo "$answer" | python3 -c 'import json, sys; body = json.load(sys.stdin); assert body["choices"][0]["message"]["content"], body; assert body["usage"]["prompt_tokens_details"]["multimodal_tokens"] == {"image": 6}, body'
