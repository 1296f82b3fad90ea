"""The Ollama adapter against replays of its documented NDJSON API (/api/chat, /api/generate)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from pairpad.ai.providers.base import (
    ChatEvent,
    ChatMessage,
    ProviderError,
    StreamEnd,
    TextDelta,
    ToolCallDelta,
    Usage,
)
from pairpad.ai.providers.endpoint import ProviderEndpoint
from pairpad.ai.providers.ollama import OllamaProvider

REPLAYS = Path(__file__).parent / "replays"
Handler = Callable[[httpx.Request], httpx.Response]


def ndjson(name: str) -> httpx.Response:
    return httpx.Response(200, headers={"content-type": "application/x-ndjson"},
                          content=(REPLAYS / name).read_bytes())


def provider(handler: Handler) -> OllamaProvider:
    return OllamaProvider(ProviderEndpoint("ollama", "http://ollama.test:11434"),
                          transport=httpx.MockTransport(handler))


async def run(p: OllamaProvider, **kwargs: Any) -> list[ChatEvent]:
    return [e async for e in p.stream_chat([ChatMessage("user", "Why is the sky blue?")],
                                           model="qwen2.5-coder:7b", max_tokens=32,
                                           temperature=0.1, **kwargs)]


async def test_chat_stream_and_request_shape() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return ndjson("ollama_chat.ndjson")

    events = await run(provider(handler))
    assert events == [TextDelta("The"), TextDelta(" sky"), TextDelta(" is blue."),
                      StreamEnd("stop", Usage(26, 3))]
    assert seen[0].url.path == "/api/chat"
    body = json.loads(seen[0].content)
    assert body["stream"] is True and body["model"] == "qwen2.5-coder:7b"
    assert body["options"] == {"num_predict": 32, "temperature": 0.1}


async def test_length_finish() -> None:
    events = await run(provider(lambda _r: ndjson("ollama_chat_length.ndjson")))
    assert events[-1] == StreamEnd("length", Usage(12, 2))


async def test_tool_calls() -> None:
    events = await run(provider(lambda _r: ndjson("ollama_chat_tools.ndjson")))
    call = events[0]
    assert isinstance(call, ToolCallDelta) and call.name == "read_file"
    assert json.loads(call.arguments) == {"path": "src/app.py"}
    assert events[-1] == StreamEnd("tool_calls", Usage(90, 20))


async def test_error_object_mid_stream() -> None:
    got: list[ChatEvent] = []
    with pytest.raises(ProviderError) as caught:
        async for event in provider(lambda _r: ndjson("ollama_chat_error.ndjson")).stream_chat(
            [ChatMessage("user", "x")], model="qwen2.5-coder:7b", max_tokens=8, temperature=0
        ):
            got.append(event)
    assert got == [TextDelta("The")]
    assert "unexpected EOF" in caught.value.detail


async def test_malformed_line_is_a_protocol_error() -> None:
    with pytest.raises(ProviderError) as caught:
        await run(provider(lambda _r: ndjson("ollama_chat_malformed.ndjson")))
    assert caught.value.kind == "protocol" and "malformed" in caught.value.detail


async def test_stream_without_done_is_an_error() -> None:
    with pytest.raises(ProviderError) as caught:
        await run(provider(lambda _r: ndjson("ollama_chat_truncated.ndjson")))
    assert caught.value.kind == "protocol" and "done" in caught.value.detail


async def test_unknown_model_says_how_to_fix_it() -> None:
    def handler(_request: httpx.Request) -> httpx.Response:
        return httpx.Response(404, json={"error": 'model "qwen2.5-coder:7b" not found, try '
                                                  "pulling it first"})

    with pytest.raises(ProviderError) as caught:
        await run(provider(handler))
    assert caught.value.kind == "model_not_found"
    assert "ollama pull qwen2.5-coder:7b" in caught.value.detail
    assert "ai.roles" in caught.value.detail


async def test_unreachable_names_the_base_url_setting() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    p = provider(handler)
    with pytest.raises(ProviderError) as caught:
        await run(p)
    assert caught.value.kind == "unreachable"
    assert "ai.providers.ollama.base_url" in caught.value.detail
    health = await p.health()
    assert not health.ok and "ai.providers.ollama.base_url" in health.detail


async def test_fim_through_generate_with_suffix() -> None:
    seen: list[dict[str, Any]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(json.loads(request.content))
        assert request.url.path == "/api/generate"
        lines = [{"model": "qwen2.5-coder:7b", "created_at": "2024-08-04T19:22:45.499127Z",
                  "response": piece, "done": False} for piece in ("    return", " a + b")]
        lines.append({"model": "qwen2.5-coder:7b", "created_at": "2024-08-04T19:22:45.499127Z",
                      "response": "", "done": True, "done_reason": "stop",
                      "prompt_eval_count": 12, "eval_count": 6})
        return httpx.Response(200, headers={"content-type": "application/x-ndjson"},
                              content="".join(json.dumps(line) + "\n" for line in lines))

    result = await provider(handler).complete(model="qwen2.5-coder:7b", prefix="def add(a, b):\n",
                                              suffix="\n\nprint(add(1, 2))\n", max_tokens=16)
    assert result.text == "    return a + b" and result.finish_reason == "stop"
    assert result.usage == Usage(12, 6)
    assert seen[0]["suffix"] == "\n\nprint(add(1, 2))\n" and seen[0]["stream"] is True
    assert seen[0]["prompt"] == "def add(a, b):\n"


async def test_a_fim_400_other_than_insert_is_not_retried() -> None:
    seen: list[dict[str, Any]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(json.loads(request.content))
        return httpx.Response(400, json={"error": "invalid options: num_predict"})

    p = provider(handler)
    with pytest.raises(ProviderError) as caught:
        await p.complete(model="qwen2.5-coder:7b", prefix="x", suffix="y", max_tokens=1)
    assert "invalid options" in caught.value.detail
    assert len(seen) == 1 and seen[0]["suffix"] == "y" and "raw" not in seen[0]


async def test_generate_stream_without_done_is_a_protocol_error() -> None:
    p = provider(lambda _r: httpx.Response(
        200, content=b'{"response": "x", "done": false}\n'))
    with pytest.raises(ProviderError) as caught:
        await p.complete(model="m", prefix="x", suffix=None, max_tokens=1)
    assert caught.value.kind == "protocol" and "done" in caught.value.detail


async def test_list_models_from_tags() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        assert request.url.path == "/api/tags"
        return httpx.Response(200, json={"models": [
            {"name": "qwen2.5-coder:7b", "model": "qwen2.5-coder:7b", "size": 4683087332},
            {"name": "llama3.2:latest", "model": "llama3.2:latest", "size": 2019393189},
        ]})

    models = await provider(handler).list_models()
    assert [m.id for m in models] == ["qwen2.5-coder:7b", "llama3.2:latest"]
    assert models[0].supports_fim and not models[1].supports_fim


async def test_cancel_closes_the_response() -> None:
    closed = asyncio.Event()

    async def body() -> AsyncIterator[bytes]:
        try:
            yield b'{"message":{"role":"assistant","content":"The"},"done":false}\n'
            await asyncio.sleep(3600)
        finally:
            closed.set()

    class Stream(httpx.AsyncByteStream):
        async def __aiter__(self) -> AsyncIterator[bytes]:
            async for chunk in body():
                yield chunk

    p = provider(lambda _r: httpx.Response(200, stream=Stream()))
    cancel = asyncio.Event()
    events: list[ChatEvent] = []
    async with asyncio.timeout(10):
        async for event in p.stream_chat([ChatMessage("user", "x")], model="m", max_tokens=8,
                                         temperature=0, cancel=cancel):
            events.append(event)
            cancel.set()
    assert events[0] == TextDelta("The")
    assert isinstance(events[-1], StreamEnd) and events[-1].finish_reason == "cancelled"
    await asyncio.wait_for(closed.wait(), 5)


async def test_the_window_from_api_show_is_sent_as_num_ctx() -> None:
    """Issue 8.4: the window Pairpad budgets for is the one Ollama runs the model with."""
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.url.path == "/api/show":
            return httpx.Response(200, json={"parameters": "num_ctx 6144",
                                             "model_info": {"qwen2.context_length": 32768}})
        return ndjson("ollama_chat.ndjson")

    p = provider(handler)
    assert await p.context_window_of("qwen2.5-coder:7b") == 6144
    await run(p)
    chat = json.loads(seen[-1].content)
    assert chat["options"]["num_ctx"] == 6144
    assert json.loads(seen[0].content) == {"model": "qwen2.5-coder:7b"}
    await p.aclose()
