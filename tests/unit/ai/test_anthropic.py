"""The Anthropic adapter against replays of the Messages API's documented SSE stream."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import httpx2
import pytest

from pairpad.ai.providers.anthropic import AnthropicProvider
from pairpad.ai.providers.base import (
    ChatEvent,
    ChatMessage,
    ProviderError,
    StreamEnd,
    TextDelta,
    ToolCallDelta,
    ToolSpec,
    Usage,
)
from pairpad.ai.providers.endpoint import ProviderEndpoint

REPLAYS = Path(__file__).parent / "replays"
Handler = Callable[[httpx2.Request], httpx2.Response]


def sse(name: str) -> httpx2.Response:
    return httpx2.Response(200, headers={"content-type": "text/event-stream"},
                           content=(REPLAYS / name).read_bytes())


def provider(handler: Handler, api_key: str | None = "sk-ant-test") -> AnthropicProvider:
    client = httpx2.AsyncClient(transport=httpx2.MockTransport(handler))
    return AnthropicProvider(
        ProviderEndpoint("claude", "https://api.anthropic.test", api_key=api_key),
        http_client=client)


async def run(p: AnthropicProvider, **kwargs: Any) -> list[ChatEvent]:
    messages = [ChatMessage("system", "Be brief."), ChatMessage("user", "Hi")]
    return [e async for e in p.stream_chat(messages, model="claude-sonnet-5-5", max_tokens=64,
                                           temperature=0.2, **kwargs)]


async def test_text_stream_and_request_shape() -> None:
    seen: list[httpx2.Request] = []

    def handler(request: httpx2.Request) -> httpx2.Response:
        seen.append(request)
        return sse("anthropic_text.sse")

    events = await run(provider(handler))
    assert events == [TextDelta("Hello"), TextDelta(", world!"),
                      StreamEnd("stop", Usage(25, 15))]
    request = seen[0]
    assert request.url.path == "/v1/messages"
    # SDK 2.x sends the key as a bearer token (1.x used x-api-key).
    sent = request.headers.get("x-api-key") or request.headers["authorization"]
    assert sent.endswith("sk-ant-test")
    body = json.loads(request.content)
    # The system prompt goes apart, not as a message.
    assert body["system"] == "Be brief."
    assert body["messages"] == [{"role": "user", "content": "Hi"}]
    assert body["stream"] is True and body["max_tokens"] == 64


async def test_tool_use_stream() -> None:
    events = await run(provider(lambda _r: sse("anthropic_tool_use.sse")),
                       tools=[ToolSpec("read_file", "Read a file", {"type": "object"})])
    assert events[0] == TextDelta("Let me check.")
    calls = [e for e in events if isinstance(e, ToolCallDelta)]
    assert calls[0] == ToolCallDelta(1, "toolu_01T1x1fJ34qAmk2tNTrN7Up6", "read_file", "")
    assert json.loads("".join(c.arguments for c in calls)) == {"path": "src/app.py"}
    assert events[-1] == StreamEnd("tool_calls", Usage(472, 89))


async def test_error_event_mid_stream_is_a_clear_error() -> None:
    got: list[ChatEvent] = []
    with pytest.raises(ProviderError) as caught:
        async for event in provider(lambda _r: sse("anthropic_overloaded.sse")).stream_chat(
            [ChatMessage("user", "Hi")], model="claude-sonnet-5-5", max_tokens=8, temperature=0
        ):
            got.append(event)
    assert got == [TextDelta("Hel")]
    assert "overloaded_error: Overloaded" in caught.value.detail
    assert "Provider 'claude'" in caught.value.detail


async def test_malformed_chunk_is_a_protocol_error() -> None:
    with pytest.raises(ProviderError) as caught:
        await run(provider(lambda _r: sse("anthropic_malformed.sse")))
    assert caught.value.kind == "protocol"
    assert "could not read" in caught.value.detail


async def test_stream_cut_before_message_stop_is_an_error() -> None:
    cut = (REPLAYS / "anthropic_text.sse").read_text().split("event: message_delta")[0]

    def handler(_request: httpx2.Request) -> httpx2.Response:
        return httpx2.Response(200, headers={"content-type": "text/event-stream"},
                               content=cut.encode())

    with pytest.raises(ProviderError) as caught:
        await run(provider(handler))
    assert caught.value.kind == "protocol" and "message_stop" in caught.value.detail


@pytest.mark.parametrize(
    ("status", "error_type", "kind", "setting"),
    [
        (401, "authentication_error", "auth", "ai.providers.claude.api_key"),
        (404, "not_found_error", "model_not_found", "ai.roles"),
        (529, "overloaded_error", "unavailable", "overloaded_error: nope"),
    ],
)
async def test_http_errors_name_the_setting(status: int, error_type: str, kind: str,
                                            setting: str) -> None:
    def handler(_request: httpx2.Request) -> httpx2.Response:
        return httpx2.Response(status, json={"type": "error", "error": {
            "type": error_type, "message": "nope"}})

    with pytest.raises(ProviderError) as caught:
        await run(provider(handler))
    assert caught.value.kind == kind
    assert setting in caught.value.detail


async def test_missing_key_fails_before_any_request() -> None:
    calls: list[httpx2.Request] = []

    def handler(request: httpx2.Request) -> httpx2.Response:
        calls.append(request)
        return sse("anthropic_text.sse")

    p = provider(handler, api_key=None)
    with pytest.raises(ProviderError) as caught:
        await run(p)
    assert caught.value.kind == "auth" and "ai.providers.claude.api_key" in caught.value.detail
    assert not (await p.health()).ok
    assert calls == []


async def test_unreachable() -> None:
    def handler(request: httpx2.Request) -> httpx2.Response:
        raise httpx2.ConnectError("connection refused", request=request)

    with pytest.raises(ProviderError) as caught:
        await run(provider(handler))
    assert caught.value.kind == "unreachable"
    assert "ai.providers.claude.base_url" in caught.value.detail


async def test_cancel_closes_the_stream() -> None:
    head = (REPLAYS / "anthropic_text.sse").read_text().split("event: content_block_delta")[0]
    first = ('event: content_block_delta\ndata: {"type": "content_block_delta", "index": 0, '
             '"delta": {"type": "text_delta", "text": "Hello"}}\n\n')
    closed = asyncio.Event()

    async def body() -> AsyncIterator[bytes]:
        try:
            yield (head + first).encode()
            await asyncio.sleep(3600)  # the model "thinks" forever
        finally:
            closed.set()

    def handler(_request: httpx2.Request) -> httpx2.Response:
        return httpx2.Response(200, headers={"content-type": "text/event-stream"},
                               content=body())

    cancel = asyncio.Event()
    events: list[ChatEvent] = []
    async with asyncio.timeout(10):
        async for event in provider(handler).stream_chat(
            [ChatMessage("user", "Hi")], model="claude-sonnet-5-5", max_tokens=8,
            temperature=0, cancel=cancel,
        ):
            events.append(event)
            cancel.set()
    assert events == [TextDelta("Hello"), StreamEnd("cancelled", Usage(25, 1))]
    await asyncio.wait_for(closed.wait(), 5)
