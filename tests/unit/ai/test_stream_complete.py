"""`Provider.stream_complete` (inline completion) against scripted servers on loopback: the
prompt and stops each adapter sends, the streamed deltas, stop strings applied to the stream,
and cancellation that really closes the HTTP stream (the scripted server sees the client go)."""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import AsyncGenerator, AsyncIterator
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pairpad.ai.profiles import ModelProfiles, ProfileOverride
from pairpad.ai.provider_config import LOCAL_MODEL_ID
from pairpad.ai.providers.anthropic import AnthropicProvider
from pairpad.ai.providers.base import (
    CompletionEvent,
    ProviderError,
    StopScanner,
    StreamEnd,
    TextDelta,
    Usage,
    cut_at_stops,
    until_cancelled,
)
from pairpad.ai.providers.endpoint import ProviderEndpoint
from pairpad.ai.providers.local import LocalProvider
from pairpad.ai.providers.ollama import OllamaProvider
from pairpad.ai.providers.openai_compat import OpenAICompatProvider
from tests.support.ollama_server import ScriptedOllama, scripted_ollama
from tests.support.openai_server import ScriptedOpenAI, StreamLog, scripted_openai

QWEN = "qwen2.5-coder:7b"
PREFIX = "def add(a, b):\n    "
SUFFIX = "\n\nprint(add(1, 2))\n"
QWEN_PROMPT = "<|fim_prefix|>def add(a, b):\n    <|fim_suffix|>\n\nprint(add(1, 2))\n<|fim_middle|>"
LONG = [f"tok{i} " for i in range(400)]  # with chunk_delay 0.02: 8 s if nobody stops it


def texts(events: list[CompletionEvent]) -> list[str]:
    return [e.text for e in events if isinstance(e, TextDelta)]


def only_end(events: list[CompletionEvent]) -> StreamEnd:
    ends = [e for e in events if isinstance(e, StreamEnd)]
    assert len(ends) == 1 and events[-1] is ends[0], events
    return ends[0]


async def drain(stream: AsyncIterator[CompletionEvent]) -> list[CompletionEvent]:
    return [event async for event in stream]


async def consume_cancelling(stream: AsyncGenerator[CompletionEvent, None], cancel: asyncio.Event
                             ) -> tuple[list[CompletionEvent], float]:
    events: list[CompletionEvent] = []
    cancelled_at = 0.0
    async for event in stream:
        events.append(event)
        if isinstance(event, TextDelta) and not cancel.is_set():
            cancel.set()
            cancelled_at = time.perf_counter()
    return events, time.perf_counter() - cancelled_at


async def saw_disconnect(log: StreamLog, total: int, timeout: float = 5.0) -> None:
    """The scripted server noticed the client leave, long before the end of its stream."""
    gone = await asyncio.to_thread(log.wait_disconnected, timeout)
    assert gone, f"the server kept streaming ({log.written} of {total} chunks written)"
    assert log.written < total // 2 and log.finished == 0


# -- stop strings on a stream --------------------------------------------------------------


def test_stop_split_across_deltas_is_found_and_nothing_after_it_leaks() -> None:
    scanner = StopScanner(["\n\n", "<|endoftext|>"])
    out = [scanner.feed(t) for t in ["return a", " + b\n", "\nprint(", "x)"]]
    assert out == ["return a", " + b", "", ""]  # "\n" held back until the next delta tells
    assert scanner.stopped and scanner.flush() == ""
    scanner = StopScanner(["<|endoftext|>"])
    assert [scanner.feed(t) for t in ["a <", "|end", "oftext", "|>tail"]] == ["a ", "", "", ""]
    assert scanner.stopped


def test_a_held_prefix_that_is_no_stop_is_released() -> None:
    scanner = StopScanner(["\n\n", "<EOT>"])
    assert scanner.feed("x\n") == "x"
    assert scanner.feed("y <E") == "\ny "
    assert scanner.feed("ND") == "<END"
    assert scanner.feed("<EO") == ""
    assert scanner.flush() == "<EO" and not scanner.stopped  # the stream ended: it was text


def test_the_first_stop_wins_and_empty_stops_are_ignored() -> None:
    assert cut_at_stops("a;b.c", [".", ";", ""]) == ("a", True)
    assert cut_at_stops("abc", []) == ("abc", False)
    assert cut_at_stops("abc", [""]) == ("abc", False)


@given(
    text=st.text(alphabet="ab\n<|>", max_size=60),
    stops=st.lists(st.text(alphabet="ab\n<|>", min_size=1, max_size=4), max_size=5),
    cuts=st.lists(st.integers(min_value=0, max_value=60), max_size=12),
)
def test_any_chunking_gives_what_the_whole_text_gives(text: str, stops: list[str],
                                                      cuts: list[int]) -> None:
    bounds = sorted({0, len(text), *(c for c in cuts if c <= len(text))})
    pieces = [text[a:b] for a, b in itertools.pairwise(bounds)]
    scanner = StopScanner(stops)
    streamed = "".join(scanner.feed(piece) for piece in pieces) + scanner.flush()
    # The stop that is complete first (then the one that started first), as a server sees it.
    hits = [(i + len(s), i) for s in stops if (i := text.find(s)) >= 0]
    assert streamed == (text[:min(hits)[1]] if hits else text)
    assert scanner.stopped == bool(hits)
    assert cut_at_stops(text, stops) == (streamed, bool(hits))


def test_the_stop_complete_first_wins_whatever_the_deltas() -> None:
    # "a" is complete before the longer "<a<" that started earlier: a server stops there too.
    assert cut_at_stops("<a<", ["<a<", "a"]) == ("<", True)
    scanner = StopScanner(["<a<", "a"])
    assert scanner.feed("<") == "" and scanner.feed("a<") == "<" and scanner.stopped


async def test_until_cancelled_leaves_no_read_behind_when_its_consumer_is_cancelled() -> None:
    started = asyncio.Event()
    stopped: list[str] = []

    async def slow() -> AsyncIterator[int]:
        try:
            started.set()
            await asyncio.sleep(30)
            yield 1
        finally:
            stopped.append("closed")

    async def consume() -> None:
        async for _ in until_cancelled(slow(), asyncio.Event()):
            pass

    task = asyncio.create_task(consume())
    await started.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert stopped == ["closed"]  # the pending read was cancelled, not left running


# -- openai_compat ---------------------------------------------------------------------------


def compat(server: ScriptedOpenAI, **kwargs: Any) -> OpenAICompatProvider:
    return OpenAICompatProvider(ProviderEndpoint("lab", server.base_url, api_key="k"), **kwargs)


async def test_openai_sends_the_qwen_fim_prompt_and_streams_deltas() -> None:
    with scripted_openai(completion_chunks=["return", " a", " + b"]) as server:
        provider = compat(server)
        events = await drain(provider.stream_complete(
            model=QWEN, prefix=PREFIX, suffix=SUFFIX, max_tokens=48, temperature=0.1,
            stop=["\n\n"]))
        await provider.aclose()
    assert texts(events) == ["return", " a", " + b"]
    assert only_end(events) == StreamEnd("stop", Usage(len(QWEN_PROMPT) // 4, 3))
    [body] = server.bodies()
    assert body["prompt"] == QWEN_PROMPT  # exactly, tokens and all
    assert body["stop"] == ["\n\n", "<|endoftext|>"]  # the caller's, then the template's
    assert body["stream"] is True and body["max_tokens"] == 48 and body["temperature"] == 0.1
    assert body["stream_options"] == {"include_usage": True}
    assert body["model"] == QWEN


async def test_openai_caps_stops_at_four_on_the_wire_and_applies_all_to_the_stream() -> None:
    stops = ["\nclass ", "\ndef ", "\nif ", "\n#", "\n\n"]  # 5, + "<|endoftext|>" = 6
    # "\n\n" (not sent: the server would go on) arrives split over two chunks.
    chunks = ["return a + b", "\n", "\nprint('this is past the stop')", *LONG]
    with scripted_openai(completion_chunks=chunks, chunk_delay=0.02) as server:
        provider = compat(server)
        started = time.perf_counter()
        events = await drain(provider.stream_complete(
            model=QWEN, prefix=PREFIX, suffix=SUFFIX, max_tokens=500, stop=stops))
        elapsed = time.perf_counter() - started
        [body] = server.bodies()
        assert body["stop"] == stops[:4]  # OpenAI's limit
        assert "".join(texts(events)) == "return a + b"
        assert only_end(events).finish_reason == "stop"
        assert elapsed < 3, "the stream was dropped at the stop, not read to its end"
        await saw_disconnect(server.stream_log, len(chunks))
        await provider.aclose()


async def test_all_stops_go_on_the_wire_to_llama_cpp() -> None:
    stops = ["\nclass ", "\ndef ", "\nif ", "\n#", "\n\n"]
    with scripted_openai() as server:
        provider = compat(server, wire_stop_limit=None)  # what the `local` provider builds
        await drain(provider.stream_complete(model=QWEN, prefix=PREFIX, suffix=SUFFIX,
                                             max_tokens=8, stop=stops))
        await provider.aclose()
    assert server.bodies()[0]["stop"] == [*stops, "<|endoftext|>"]


async def test_openai_cancel_mid_stream_ends_cancelled_and_closes_the_stream() -> None:
    with scripted_openai(completion_chunks=LONG, chunk_delay=0.02) as server:
        provider = compat(server)
        cancel = asyncio.Event()
        events, after_cancel = await consume_cancelling(provider.stream_complete(
            model=QWEN, prefix=PREFIX, suffix=SUFFIX, max_tokens=500, cancel=cancel), cancel)
        assert only_end(events).finish_reason == "cancelled"
        assert len(texts(events)) <= 2 and after_cancel < 1.0
        await saw_disconnect(server.stream_log, len(LONG))
        await provider.aclose()


async def test_openai_consumer_that_stops_iterating_closes_the_stream() -> None:
    with scripted_openai(completion_chunks=LONG, chunk_delay=0.02) as server:
        provider = compat(server)
        stream = provider.stream_complete(model=QWEN, prefix=PREFIX, suffix=SUFFIX,
                                          max_tokens=500)
        first = await anext(stream)
        assert first == TextDelta("tok0 ")
        await stream.aclose()  # e.g. the editor moved on: no cancel event at all
        await saw_disconnect(server.stream_log, len(LONG))
        await provider.aclose()


async def test_openai_cancel_before_the_first_byte_drops_the_request() -> None:
    # The server is still "evaluating the prompt": no headers yet.
    with scripted_openai(completion_chunks=LONG, chunk_delay=0.02, header_delay=2.0) as server:
        provider = compat(server)
        cancel = asyncio.Event()
        asyncio.get_running_loop().call_later(0.2, cancel.set)
        started = time.perf_counter()
        events = await drain(provider.stream_complete(
            model=QWEN, prefix=PREFIX, suffix=SUFFIX, max_tokens=500, cancel=cancel))
        assert time.perf_counter() - started < 1.5  # did not wait for the headers
        assert events == [StreamEnd("cancelled", events[-1].usage)]  # type: ignore[union-attr]
        await saw_disconnect(server.stream_log, len(LONG))
        await provider.aclose()


async def test_openai_length_and_prefix_only_and_complete_on_top_of_the_stream() -> None:
    with scripted_openai(completion="abcdefghijklmnopqrstuvwxyz",
                         completion_finish="length") as server:
        provider = compat(server)
        done = await provider.complete(model="gpt-3.5-turbo-instruct", prefix="P", suffix="S",
                                       max_tokens=7, stop=["zz"])
        await provider.aclose()
    assert done.text == "abcdefghijklmnopqrstuvwxyz" and done.finish_reason == "length"
    assert done.usage == Usage(0, 2)  # what the server reported (include_usage)
    body = server.bodies()[0]
    assert body["prompt"] == "P" and body["stop"] == ["zz"]  # no FIM tokens: prefix only


async def test_openai_profile_override_decides_the_template() -> None:
    profiles = ModelProfiles({"my-finetune": ProfileOverride(fim="codestral", stop=["\n\n"])})
    with scripted_openai(completion="x") as server:
        provider = OpenAICompatProvider(ProviderEndpoint("lab", server.base_url),
                                        profiles=profiles)
        await provider.complete(model="my-finetune", prefix="P", suffix="S", max_tokens=4)
        await provider.aclose()
    assert server.bodies()[0]["prompt"] == "[SUFFIX]S[PREFIX]P"
    assert server.bodies()[0]["stop"] == ["\n\n", "[PREFIX]", "[SUFFIX]"]


async def test_openai_server_down_is_the_usual_error() -> None:
    with scripted_openai() as server:
        url = server.base_url
    provider = OpenAICompatProvider(ProviderEndpoint("lab", url, connect_timeout=1))
    with pytest.raises(ProviderError) as caught:
        await drain(provider.stream_complete(model=QWEN, prefix="P", suffix=None,
                                             max_tokens=4))
    await provider.aclose()
    assert caught.value.kind == "unreachable" and "ai.providers.lab.base_url" in str(caught.value)


# -- local (the compat adapter on the embedded server; a stand-in for the server here) -------


class FakeServer:
    """What `LocalProvider` uses of `LocalModelServer`, pointing at a scripted server."""

    def __init__(self, base_url: str, exited: bool = False, start_delay: float = 0.0) -> None:
        self.base_url = base_url
        self.api_key = "key"
        self.model_id = LOCAL_MODEL_ID
        self.n_ctx = 4096
        self.exited = exited
        self.start_delay = start_delay
        self.started = 0

    async def ensure_running(self) -> str:
        await asyncio.sleep(self.start_delay)
        self.started += 1
        return self.base_url

    async def wait_for_exit(self, seconds: float) -> bool:
        return self.exited

    def failure_detail(self) -> str:
        return "The local model server crashed (signal 9); see its log. Pairpad restarts it."


async def test_local_sends_every_stop_and_cancel_closes_the_stream() -> None:
    stops = ["\nclass ", "\ndef ", "\nif ", "\n#", "\n\n"]
    with scripted_openai(completion_chunks=LONG, chunk_delay=0.02) as server:
        local = LocalProvider(FakeServer(server.base_url))  # type: ignore[arg-type]
        cancel = asyncio.Event()
        events, after_cancel = await consume_cancelling(local.stream_complete(
            model=LOCAL_MODEL_ID, prefix=PREFIX, suffix=SUFFIX, max_tokens=500, stop=stops,
            cancel=cancel), cancel)
        assert only_end(events).finish_reason == "cancelled" and after_cancel < 1.0
        await saw_disconnect(server.stream_log, len(LONG))
        await local.aclose()
    [body] = server.bodies()
    assert body["prompt"] == PREFIX  # SmolLM2 has no FIM tokens
    assert body["stop"] == stops  # llama.cpp takes them all


async def test_local_cancel_while_the_server_starts_returns_at_once_and_it_still_starts(
) -> None:
    with scripted_openai() as server:
        fake = FakeServer(server.base_url, start_delay=2.0)
        local = LocalProvider(fake)  # type: ignore[arg-type]
        cancel = asyncio.Event()
        asyncio.get_running_loop().call_later(0.1, cancel.set)
        started = time.perf_counter()
        events = await drain(local.stream_complete(model=LOCAL_MODEL_ID, prefix="P",
                                                   suffix=None, max_tokens=4, cancel=cancel))
        assert time.perf_counter() - started < 1.5
        assert [type(e) for e in events] == [StreamEnd]
        assert events[0].finish_reason == "cancelled"  # type: ignore[union-attr]
        await asyncio.sleep(2.5)
        assert fake.started == 1 and server.bodies() == []  # started for next time; no request
        await local.aclose()


async def test_local_explains_a_crash_and_refuses_another_model() -> None:
    with scripted_openai() as server:
        url = server.base_url  # gone after the block: a dropped connection
    local = LocalProvider(FakeServer(url, exited=True))  # type: ignore[arg-type]
    with pytest.raises(ProviderError) as caught:
        await drain(local.stream_complete(model=LOCAL_MODEL_ID, prefix="P", suffix=None,
                                          max_tokens=4))
    assert "crashed" in caught.value.detail and caught.value.setting == "ai.local"
    with pytest.raises(ProviderError) as wrong:
        await drain(local.stream_complete(model="other", prefix="P", suffix=None, max_tokens=4))
    assert wrong.value.kind == "model_not_found"
    await local.aclose()


# -- ollama ----------------------------------------------------------------------------------


def ollama(server: ScriptedOllama, **kwargs: Any) -> OllamaProvider:
    return OllamaProvider(ProviderEndpoint("ollama", server.base_url), **kwargs)


async def test_ollama_sends_the_suffix_natively_and_streams_ndjson() -> None:
    with scripted_ollama(chunks=["return", " a", " + b"]) as server:
        provider = ollama(server)
        events = await drain(provider.stream_complete(
            model=QWEN, prefix=PREFIX, suffix=SUFFIX, max_tokens=48, temperature=0.1,
            stop=["\n\n"]))
        await provider.aclose()
    assert texts(events) == ["return", " a", " + b"]
    assert only_end(events) == StreamEnd("stop", Usage(len(PREFIX) // 4, 3))
    # A non-empty suffix and a FIM model: Ollama's own FIM, its template renders the prompt.
    assert server.bodies() == [{
        "model": QWEN, "prompt": PREFIX, "suffix": SUFFIX, "stream": True,
        "options": {"num_predict": 48, "temperature": 0.1, "stop": ["\n\n", "<|endoftext|>"]},
    }]


async def test_ollama_empty_suffix_is_raw_with_the_fim_template_rendered_by_us() -> None:
    # Ollama's templates test `if .Suffix`: an empty one takes the chat branch, so no `suffix`.
    with scripted_ollama() as server:
        provider = ollama(server)
        await drain(provider.stream_complete(model=QWEN, prefix=PREFIX, suffix="",
                                             max_tokens=16))
        await provider.aclose()
    assert server.bodies() == [{
        "model": QWEN, "prompt": "<|fim_prefix|>def add(a, b):\n    <|fim_suffix|><|fim_middle|>",
        "raw": True, "stream": True,
        "options": {"num_predict": 16, "temperature": 0.0, "stop": ["<|endoftext|>"]},
    }]


async def test_ollama_prefix_only_model_is_raw_with_the_prefix() -> None:
    with scripted_ollama(completion="    return a + b", done_reason="length") as server:
        provider = ollama(server)
        done = await provider.complete(model="llama3.2:latest", prefix=PREFIX, suffix=SUFFIX,
                                       max_tokens=8)
        await drain(provider.stream_complete(model=QWEN, prefix=PREFIX, suffix=None,
                                             max_tokens=8))  # no suffix at all: prefix only
        await provider.aclose()
    assert done.text == "    return a + b" and done.finish_reason == "length"
    assert server.bodies() == [
        {"model": "llama3.2:latest", "prompt": PREFIX, "raw": True, "stream": True,
         "options": {"num_predict": 8, "temperature": 0.0}},  # llama3 has no FIM
        {"model": QWEN, "prompt": PREFIX, "raw": True, "stream": True,
         "options": {"num_predict": 8, "temperature": 0.0}},
    ]


async def test_ollama_refusing_insert_is_asked_again_raw_once_and_remembered() -> None:
    with scripted_ollama(chunks=["return a + b"], no_insert={QWEN}) as server:
        provider = ollama(server)
        first = await drain(provider.stream_complete(model=QWEN, prefix=PREFIX, suffix=SUFFIX,
                                                     max_tokens=16))
        second = await drain(provider.stream_complete(model=QWEN, prefix=PREFIX, suffix=SUFFIX,
                                                      max_tokens=16))
        # Another provider knows nothing of it: native, refused, retried.
        other = ollama(server)
        await drain(other.stream_complete(model=QWEN, prefix=PREFIX, suffix=SUFFIX,
                                          max_tokens=16))
        await provider.aclose()
        await other.aclose()
    assert texts(first) == texts(second) == ["return a + b"]
    assert only_end(first).finish_reason == only_end(second).finish_reason == "stop"
    options = {"num_predict": 16, "temperature": 0.0, "stop": ["<|endoftext|>"]}
    native = {"model": QWEN, "prompt": PREFIX, "suffix": SUFFIX, "stream": True,
              "options": options}
    raw = {"model": QWEN, "prompt": QWEN_PROMPT, "raw": True, "stream": True,
           "options": options}
    assert server.bodies() == [native, raw, raw, native, raw]


async def test_ollama_stop_split_across_lines_cuts_and_closes() -> None:
    chunks = ["return a + b<|end", "oftext|>junk", *LONG]
    with scripted_ollama(chunks=chunks, chunk_delay=0.02) as server:
        provider = ollama(server)
        events = await drain(provider.stream_complete(model=QWEN, prefix=PREFIX, suffix=SUFFIX,
                                                      max_tokens=500))
        assert "".join(texts(events)) == "return a + b"
        assert only_end(events).finish_reason == "stop"
        await saw_disconnect(server.stream_log, len(chunks))
        await provider.aclose()


async def test_ollama_cancel_mid_stream_ends_cancelled_and_closes_the_stream() -> None:
    with scripted_ollama(chunks=LONG, chunk_delay=0.02) as server:
        provider = ollama(server)
        cancel = asyncio.Event()
        events, after_cancel = await consume_cancelling(provider.stream_complete(
            model=QWEN, prefix=PREFIX, suffix=SUFFIX, max_tokens=500, cancel=cancel), cancel)
        assert only_end(events).finish_reason == "cancelled"
        assert len(texts(events)) <= 2 and after_cancel < 1.0
        await saw_disconnect(server.stream_log, len(LONG))
        # The consumer stopping without a cancel event closes it too.
        stream = provider.stream_complete(model=QWEN, prefix=PREFIX, suffix=SUFFIX,
                                          max_tokens=500)
        await anext(stream)
        server.stream_log.disconnected.clear()
        await stream.aclose()
        assert await asyncio.to_thread(server.stream_log.wait_disconnected, 5.0)
        await provider.aclose()


async def test_ollama_unknown_model_and_listing_against_the_scripted_server() -> None:
    with scripted_ollama(num_ctx=16384) as server:
        provider = ollama(server)
        with pytest.raises(ProviderError) as caught:
            await drain(provider.stream_complete(model="nope:1b", prefix="P", suffix="S",
                                                 max_tokens=4))
        assert caught.value.kind == "model_not_found" and "ollama pull nope:1b" in str(
            caught.value)
        assert [m.id for m in await provider.list_models()] == [QWEN, "llama3.2:latest"]
        assert (await provider.health()).ok
        assert await provider.context_window_of(QWEN) == 16384  # the Modelfile's num_ctx
        await drain(provider.stream_complete(model=QWEN, prefix="P", suffix="S", max_tokens=4))
        assert server.bodies()[-1]["options"]["num_ctx"] == 16384  # sent from then on
        await provider.aclose()


# -- anthropic -------------------------------------------------------------------------------


async def test_anthropic_refuses_inline_completion_naming_the_setting() -> None:
    provider = AnthropicProvider(ProviderEndpoint("claude", "http://127.0.0.1:9", api_key="k"))
    with pytest.raises(ProviderError) as caught:
        await drain(provider.stream_complete(model="claude-sonnet-5-5", prefix="P",
                                             suffix="S", max_tokens=8))
    await provider.aclose()
    assert caught.value.setting == "ai.roles.autocomplete"
    assert caught.value.kind == "bad_request"
    assert "ai.roles.autocomplete" in caught.value.detail
    assert "'claude'" in caught.value.detail and "inline completion" in caught.value.detail


async def test_anthropic_complete_refuses_the_same_way_before_any_request() -> None:
    # Anthropic rejects a whitespace-only stop ("\n") with a 400; nothing is sent at all (a
    # request to port 9 would have been an "unreachable" error instead).
    provider = AnthropicProvider(ProviderEndpoint("claude", "http://127.0.0.1:9", api_key="k"))
    with pytest.raises(ProviderError) as caught:
        await provider.complete(model="claude-sonnet-5-5", prefix="P", suffix="S",
                                max_tokens=8, stop=["\n", "\n\n"])
    await provider.aclose()
    assert caught.value.kind == "bad_request"
    assert caught.value.setting == "ai.roles.autocomplete"
    assert "inline completion" in caught.value.detail

