"""The request scripts users copy from Qwen2-VL / vLLM tutorials, run with the real `requests` package.
Usage: python3 tutorial_requests.py BASE_URL API_KEY"""
import requests

from client_common import API_KEY, BASE_URL, MODEL, data_url, jpeg_bytes, png_bytes, run_checks, serve_images

URL = f"{BASE_URL}/v1/chat/completions"
HEADERS = {"Content-Type": "application/json", "Authorization": f"Bearer {API_KEY}"}
IMAGES = serve_images()


def answer(data):
    response = requests.post(URL, headers=HEADERS, json=data, timeout=30)
    assert response.status_code == 200, response.text
    body = response.json()
    content = body["choices"][0]["message"]["content"]
    assert isinstance(content, str) and content, body
    return body


def text_with_system_prompt_and_sampling():
    body = answer({
        "model": MODEL,
        "messages": [
            {"role": "system", "content": "You are a helpful assistant."},
            {"role": "user", "content": "Tell me something about large language models."},
        ],
        "temperature": 0.7,
        "top_p": 0.8,
        "repetition_penalty": 1.05,
        "max_tokens": 512,
    })
    assert body["choices"][0]["finish_reason"] == "stop", body
    assert body["usage"]["total_tokens"] == body["usage"]["prompt_tokens"] + body["usage"]["completion_tokens"], body


def image_by_http_url():
    body = answer({
        "model": MODEL,
        "messages": [{"role": "user", "content": [
            {"type": "image_url", "image_url": {"url": f"{IMAGES}/photo.jpg"}},
            {"type": "text", "text": "What is in this image?"},
        ]}],
    })
    assert body["usage"]["prompt_tokens_details"]["multimodal_tokens"] == {"image": 8}, body


def local_image_as_base64_jpeg():
    body = answer({
        "model": MODEL,
        "messages": [{"role": "user", "content": [
            {"type": "text", "text": "Describe this image."},
            {"type": "image_url", "image_url": {"url": data_url(jpeg_bytes())}},
        ]}],
        "max_tokens": 128,
    })
    assert body["usage"]["prompt_tokens_details"]["multimodal_tokens"] == {"image": 6}, body


def two_images_in_one_message():
    body = answer({
        "model": MODEL,
        "messages": [{"role": "user", "content": [
            {"type": "image_url", "image_url": {"url": data_url(jpeg_bytes())}},
            {"type": "image_url", "image_url": {"url": data_url(png_bytes(), "image/png")}},
            {"type": "text", "text": "What are the differences between these two images?"},
        ]}],
    })
    assert body["usage"]["prompt_tokens_details"]["multimodal_tokens"] == {"image": 6 + 4}, body


def three_turns_with_list_content_assistant_turns():
    image = {"type": "image_url", "image_url": {"url": data_url(jpeg_bytes())}}
    messages = [{"role": "user", "content": [image, {"type": "text", "text": "What is this?"}]}]
    for question in ["Which colour is it?", "Are you sure?"]:
        reply = answer({"model": MODEL, "messages": messages})["choices"][0]["message"]["content"]
        messages.append({"role": "assistant", "content": [{"type": "text", "text": reply}]})
        messages.append({"role": "user", "content": [{"type": "text", "text": question}]})
    answer({"model": MODEL, "messages": messages})


def streaming_with_requests():
    response = requests.post(URL, headers=HEADERS, stream=True, timeout=30, json={
        "model": MODEL, "messages": [{"role": "user", "content": "Hi"}], "stream": True,
    })
    assert response.status_code == 200, response.text
    lines = [line for line in response.iter_lines(decode_unicode=True) if line]
    assert lines[-1] == "data: [DONE]", lines
    assert all(line.startswith("data: ") for line in lines), lines


run_checks([
    text_with_system_prompt_and_sampling,
    image_by_http_url,
    local_image_as_base64_jpeg,
    two_images_in_one_message,
    three_turns_with_list_content_assistant_turns,
    streaming_with_requests,
])
