"""The openai_compat adapter and the managed llama.cpp server, for real, with the embedded model.

One server is started for the module (it takes a second or two); answers are kept short.
"""

from __future__ import annotations

import asyncio
import os
import signal
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from pairpad.ai.provider_config import LocalModelSettings
from pairpad.ai.providers.base import (
    ChatEvent,
    ChatMessage,
    ProviderError,
    StreamEnd,
    TextDelta,
)
from pairpad.ai.providers.endpoint import ProviderEndpoint
from pairpad.ai.providers.local import LocalModelServer, LocalProvider, free_port
from pairpad.ai.providers.openai_compat import OpenAICompatProvider
from tests.support.model import require_embedded_model

pytestmark = pytest.mark.model
MODEL = "smollm2-135m-instruct"
STORY = [ChatMessage("user", "Tell me a long story about a dragon and a castle.")]


@pytest.fixture(scope="module")
def llama(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalModelServer]:
    require_embedded_model()
    server = LocalModelServer(LocalModelSettings(), tmp_path_factory.mktemp("llama-logs"))
    asyncio.run(server.ensure_running())
    yield server
    asyncio.run(server.stop())


# The managed server's API key per base URL (each launch has its own).
KEYS: dict[str, str] = {}


@pytest.fixture
def base_url(llama: LocalModelServer) -> str:
    url = llama.base_url
    assert url is not None and llama.running
    KEYS[url] = llama.api_key
    return url


def compat(base_url: str) -> OpenAICompatProvider:
    return OpenAICompatProvider(
        ProviderEndpoint("llama", base_url, api_key=KEYS.get(base_url), timeout=60))


async def test_managed_server_requires_its_api_key(base_url: str, llama: LocalModelServer
                                                   ) -> None:
    """No auth + CORS * would let any web page use the model: every endpoint needs the key."""
    root = base_url.removesuffix("/v1")
    chat = {"model": MODEL, "messages": [{"role": "user", "content": "hi"}], "max_tokens": 1}
    async with httpx.AsyncClient(timeout=30) as http:
        for method, url, body in [("GET", f"{base_url}/models", None),
                                  ("POST", f"{base_url}/chat/completions", chat),
                                  ("POST", f"{root}/extras/tokenize/count", {"input": "x"})]:
            anonymous = await http.request(method, url, json=body,
                                           headers={"Origin": "https://evil.example"})
            assert anonymous.status_code == 401, (url, anonymous.text)
            wrong = await http.request(method, url, json=body,
                                       headers={"Authorization": "Bearer guessed"})
            assert wrong.status_code == 401, url
        ok = await http.get(f"{base_url}/models", headers=llama.auth_headers)
        assert ok.status_code == 200
    # The key is not on the command line (world-readable in /proc), only in the environment.
    assert llama.pid is not None
    cmdline = Path(f"/proc/{llama.pid}/cmdline").read_bytes()
    assert llama.api_key.encode() not in cmdline


async def collect(
    provider: OpenAICompatProvider | LocalProvider, **kwargs: object
) -> list[ChatEvent]:
    params: dict[str, object] = {"model": MODEL, "max_tokens": 16, "temperature": 0.0, **kwargs}
    messages = params.pop("messages", STORY)
    return [e async for e in provider.stream_chat(messages, **params)]  # type: ignore[arg-type]


async def test_streams_deltas_then_one_end_with_usage(base_url: str) -> None:
    provider = compat(base_url)
    events = await collect(provider, messages=[ChatMessage("user", "Say hello.")])
    await provider.aclose()
    deltas = [e for e in events if isinstance(e, TextDelta)]
    assert len(deltas) >= 2, "the answer arrives in several pieces, not one"
    assert "".join(d.text for d in deltas).strip()
    end = events[-1]
    assert isinstance(end, StreamEnd)
    assert [e for e in events if isinstance(e, StreamEnd)] == [end]
    assert end.finish_reason in ("stop", "length")
    assert end.usage is not None and end.usage.output_tokens == len(deltas)
    assert end.usage.input_tokens > 0


async def test_max_tokens_ends_with_length(base_url: str) -> None:
    provider = compat(base_url)
    events = await collect(provider, max_tokens=5)
    await provider.aclose()
    end = events[-1]
    assert isinstance(end, StreamEnd) and end.finish_reason == "length"
    assert 1 <= sum(isinstance(e, TextDelta) for e in events) <= 5


async def test_cancel_mid_stream_stops_at_the_provider(base_url: str) -> None:
    provider = compat(base_url)
    cancel = asyncio.Event()
    events: list[ChatEvent] = []
    async for event in provider.stream_chat(STORY, model=MODEL, max_tokens=400, temperature=0.0,
                                            cancel=cancel):
        events.append(event)
        if len(events) == 3:
            cancel.set()
    end = events[-1]
    assert isinstance(end, StreamEnd) and end.finish_reason == "cancelled"
    assert sum(isinstance(e, TextDelta) for e in events) <= 4
    # The server is free again at once: a new short request is answered normally.
    again = await collect(provider, max_tokens=4)
    await provider.aclose()
    assert isinstance(again[-1], StreamEnd) and again[-1].finish_reason == "length"


async def test_a_concurrent_request_does_not_cut_the_stream(
    base_url: str, llama: LocalModelServer,
) -> None:
    provider = compat(base_url)
    counted: list[int] = []

    async def tokenize_meanwhile() -> None:
        await asyncio.sleep(0.1)
        counted.append(await llama.count_tokens("hello world"))

    side = asyncio.create_task(tokenize_meanwhile())
    events = await collect(provider, max_tokens=30)
    await side
    await provider.aclose()
    assert counted == [2]
    assert isinstance(events[-1], StreamEnd) and events[-1].finish_reason == "length"
    assert sum(isinstance(e, TextDelta) for e in events) == 30


async def test_complete_is_prefix_only_on_the_embedded_model(base_url: str) -> None:
    provider = compat(base_url)
    result = await provider.complete(model=MODEL, prefix="def add(a, b):\n    return",
                                     suffix="\n", max_tokens=8)
    await provider.aclose()
    assert result.text and result.finish_reason in ("stop", "length")
    assert result.usage is not None and result.usage.output_tokens <= 8


async def test_wrong_model_name(base_url: str, llama: LocalModelServer) -> None:
    # llama.cpp's server answers any model name with the one model it serves (documented
    # behaviour, model.py falls back to its default alias), so the generic adapter gets text...
    provider = compat(base_url)
    events = await collect(provider, model="no-such-model", max_tokens=3)
    await provider.aclose()
    assert isinstance(events[-1], StreamEnd)
    # ...and the `local` provider, which knows what it serves, refuses it clearly instead.
    local = LocalProvider(llama)
    with pytest.raises(ProviderError) as caught:
        await collect(local, model="no-such-model")
    assert caught.value.kind == "model_not_found"
    assert "ai.roles" in caught.value.detail and MODEL in caught.value.detail


async def test_nothing_listening_is_a_clear_unreachable_error() -> None:
    url = f"http://127.0.0.1:{free_port()}/v1"
    provider = OpenAICompatProvider(ProviderEndpoint("myserver", url, connect_timeout=2))
    with pytest.raises(ProviderError) as caught:
        await collect(provider)
    health = await provider.health()
    await provider.aclose()
    assert caught.value.kind == "unreachable"
    assert "ai.providers.myserver.base_url" in caught.value.detail and url in caught.value.detail
    assert not health.ok and "unreachable" in health.detail


async def test_exact_token_count_with_the_model_tokenizer(llama: LocalModelServer) -> None:
    local = LocalProvider(llama)
    # chars/4 would say 3 and 150: these are the tokenizer's own counts.
    assert await local.count_tokens(MODEL, "hello world") == 2
    assert await local.count_tokens(MODEL, "hello world " * 50) == 101


async def test_lazy_single_start_restart_after_crash_and_stop(tmp_path: Path) -> None:
    require_embedded_model()
    server = LocalModelServer(LocalModelSettings(), tmp_path)
    assert not server.running and server.starts == 0  # nothing until first use
    urls = await asyncio.gather(*(server.ensure_running() for _ in range(3)))
    assert len(set(urls)) == 1 and server.starts == 1  # concurrent first requests: one start
    first_pid = server.pid
    assert first_pid is not None
    KEYS[urls[0]] = server.api_key
    provider = compat(urls[0])
    os.kill(first_pid, signal.SIGKILL)  # the model server crashes
    await asyncio.sleep(0.3)
    with pytest.raises(ProviderError) as caught:  # the request in flight gets a clear error
        await collect(provider, max_tokens=2)
    assert caught.value.kind in ("unreachable", "protocol")
    await provider.aclose()
    local = LocalProvider(server)
    events = await collect(local, max_tokens=2)  # the next request restarts it
    await local.aclose()
    assert isinstance(events[-1], StreamEnd)
    assert server.starts == 2 and server.pid != first_pid
    second_pid = server.pid
    assert second_pid is not None
    await server.stop()
    assert not server.running
    with pytest.raises(ProcessLookupError):
        os.kill(second_pid, 0)
