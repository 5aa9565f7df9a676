"""The official `openai` package against the server: answers, streaming with usage, n=2, logprobs,
the model list, and its error classes. Usage: python3 openai_client.py BASE_URL API_KEY"""
import openai
from openai import OpenAI

from client_common import API_KEY, BASE_URL, MODEL, data_url, jpeg_bytes, run_checks

client = OpenAI(api_key=API_KEY, base_url=f"{BASE_URL}/v1", max_retries=0)
HI = [{"role": "user", "content": "Hi"}]


def non_streaming():
    response = client.chat.completions.create(model=MODEL, messages=[
        {"role": "system", "content": "You are a helpful assistant."},
        {"role": "user", "content": [
            {"type": "image_url", "image_url": {"url": data_url(jpeg_bytes())}},
            {"type": "text", "text": "What is the text in the illustrate?"},
        ]},
    ])
    assert response.object == "chat.completion", response
    assert response.model == MODEL, response
    assert response.choices[0].message.role == "assistant", response
    assert response.choices[0].message.content == "Hello world", response
    assert response.choices[0].finish_reason == "stop", response
    assert response.usage.completion_tokens == 11, response


def streaming_with_usage():
    stream = client.chat.completions.create(model=MODEL, messages=HI, stream=True, stream_options={"include_usage": True})
    chunks = list(stream)
    assert chunks[0].choices[0].delta.role == "assistant", chunks[0]
    text = "".join(chunk.choices[0].delta.content or "" for chunk in chunks if chunk.choices)
    assert text == "Hello world", text
    finishing = [chunk.choices[0].finish_reason for chunk in chunks if chunk.choices and chunk.choices[0].finish_reason]
    assert finishing == ["stop"], finishing
    assert chunks[-1].choices == [] and chunks[-1].usage.completion_tokens == 11, chunks[-1]


def two_choices():
    response = client.chat.completions.create(model=MODEL, messages=HI, n=2, max_tokens=3)
    assert [choice.index for choice in response.choices] == [0, 1], response
    assert [choice.message.content for choice in response.choices] == ["Hel", "Hel"], response
    assert [choice.finish_reason for choice in response.choices] == ["length", "length"], response


def logprobs():
    response = client.chat.completions.create(model=MODEL, messages=HI, logprobs=True, top_logprobs=2, max_tokens=2)
    content = response.choices[0].logprobs.content
    assert [entry.token for entry in content] == ["H", "e"], content
    assert content[0].logprob == -0.5 and len(content[0].top_logprobs) == 2, content


def models_list():
    models = client.models.list()
    assert [model.id for model in models.data] == [MODEL, "alias"], models


def text_completion():
    response = client.completions.create(model=MODEL, prompt="Say", max_tokens=5)
    assert response.choices[0].text == "Hello", response


def expect_error(error_class, status, text, call):
    """`call` must raise the openai package's `error_class` with this status and `text` in its message."""
    try:
        call()
    except error_class as error:
        assert error.status_code == status and text in error.message, error
    else:
        raise AssertionError(f"no {error_class.__name__}")


def bad_request_error():
    image = {"type": "image_url", "image_url": {"url": "data:image/png;base64,!!!"}}
    expect_error(openai.BadRequestError, 400, "base64",
                 lambda: client.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": [image]}]))


def authentication_error():
    wrong = OpenAI(api_key="wrong", base_url=f"{BASE_URL}/v1", max_retries=0)
    expect_error(openai.AuthenticationError, 401, "Invalid API key", lambda: wrong.models.list())


def not_found_error():
    expect_error(openai.NotFoundError, 404, "The model `gpt-4o` does not exist.",
                 lambda: client.chat.completions.create(model="gpt-4o", messages=HI))


run_checks([
    non_streaming, streaming_with_usage, two_choices, logprobs, models_list, text_completion,
    bad_request_error, authentication_error, not_found_error,
])
