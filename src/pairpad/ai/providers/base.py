"""The one `Provider` protocol and the typed values that cross it.

A provider is an authenticated client of one endpoint (pydantic-ai's Provider: `endpoint.py`,
its failures worded once in `errors.py`); its methods do the protocol translation (pydantic-ai's
Model). Per-model differences are data: `ai/profiles.py`, looked up by provider kind and model.
Providers never import services; failures are `ProviderError`s whose `detail` names the
setting to fix, so the UI can show them as they are.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol, TypeVar, runtime_checkable

MessageRole = Literal["system", "user", "assistant", "tool"]
FinishReason = Literal["stop", "length", "tool_calls", "cancelled", "error", "content_filter"]
ErrorKind = Literal[
    "unreachable", "timeout", "auth", "model_not_found", "bad_request", "protocol", "unavailable"
]


@dataclass(frozen=True)
class ToolCall:
    id: str
    name: str
    arguments: str  # JSON text, as the wire formats carry it


@dataclass(frozen=True)
class ChatMessage:
    role: MessageRole
    content: str
    tool_call_id: str | None = None
    tool_calls: tuple[ToolCall, ...] = ()


@dataclass(frozen=True)
class ToolSpec:
    name: str
    description: str
    parameters: dict[str, Any]  # JSON Schema


@dataclass(frozen=True)
class Usage:
    input_tokens: int
    output_tokens: int
    estimated: bool = False  # True when counted by us, not reported by the provider

    def as_dict(self) -> dict[str, Any]:
        return {
            "input_tokens": self.input_tokens,
            "output_tokens": self.output_tokens,
            "estimated": self.estimated,
        }


@dataclass(frozen=True)
class TextDelta:
    text: str


@dataclass(frozen=True)
class ToolCallDelta:
    index: int
    id: str | None
    name: str | None
    arguments: str


@dataclass(frozen=True)
class StreamEnd:
    finish_reason: FinishReason
    usage: Usage | None


ChatEvent = TextDelta | ToolCallDelta | StreamEnd
CompletionEvent = TextDelta | StreamEnd


@dataclass(frozen=True)
class Completion:
    text: str
    finish_reason: FinishReason
    usage: Usage | None


@dataclass(frozen=True)
class ModelInfo:
    id: str
    context_window: int | None = None
    supports_fim: bool = False


@dataclass(frozen=True)
class Health:
    ok: bool
    detail: str = ""
    latency_ms: float | None = None
    # not_started | starting | ready | crashed | failed (a managed process), else
    # ready | unreachable; None lets the registry derive it from `ok`.
    state: str | None = None


@dataclass
class ProviderError(Exception):
    """A provider failure with a message for humans, naming the setting to fix."""

    detail: str
    kind: ErrorKind = "unavailable"
    setting: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        return self.detail


@runtime_checkable
class Provider(Protocol):
    name: str
    kind: str

    async def list_models(self) -> list[ModelInfo]: ...

    def stream_chat(
        self,
        messages: list[ChatMessage],
        *,
        model: str,
        max_tokens: int,
        temperature: float,
        tools: list[ToolSpec] | None = None,
        cancel: asyncio.Event | None = None,
    ) -> AsyncIterator[ChatEvent]:
        """Deltas, then exactly one `StreamEnd` (finish_reason "cancelled" when `cancel` fired)."""
        ...

    async def complete(
        self,
        *,
        model: str,
        prefix: str,
        suffix: str | None,
        max_tokens: int,
        temperature: float = 0.0,
        stop: list[str] | None = None,
    ) -> Completion:
        """Text completion; fill-in-the-middle when `suffix` is given and the model supports it."""
        ...

    def stream_complete(
        self,
        *,
        model: str,
        prefix: str,
        suffix: str | None,
        max_tokens: int,
        temperature: float = 0.0,
        stop: list[str] | None = None,
        cancel: asyncio.Event | None = None,
    ) -> AsyncGenerator[CompletionEvent, None]:
        """Streamed text completion (inline completion): `TextDelta`s, then exactly one
        `StreamEnd`. Fill-in-the-middle when `suffix` is given and the model's profile has a
        template (`ModelProfile.completion_prompt`; Ollama applies its own); prefix-only else.

        Every stop string (`stop`, the profile's and the template's) is applied to the streamed
        text, even one split across deltas: the text ends before the earliest, and the stream
        with finish "stop". When `cancel` fires (even before the first token) the stream ends
        with finish "cancelled". The HTTP response is closed on a stop, on cancel and when the
        consumer stops iterating (`aclose()`), so the server stops generating."""
        ...

    async def count_tokens(self, model: str, text: str) -> int:
        """Exact with the model's tokenizer where the provider offers one, else an estimate."""
        ...

    async def health(self) -> Health: ...

    async def aclose(self) -> None: ...


@runtime_checkable
class WindowReporter(Protocol):
    """Optional, beside `Provider`: providers that can ask their server for a model's real
    context window (None when it does not say)."""

    async def context_window_of(self, model: str) -> int | None: ...


@runtime_checkable
class Embedder(Protocol):
    """Optional, beside `Provider`: providers whose endpoint serves an embedding model.
    Check with `isinstance(provider, Embedder)`; `local` (the embedded chat model) does not."""

    name: str

    async def embed(self, texts: list[str], model: str) -> list[list[float]]:
        """One vector per text, in order, all of one dimension."""
        ...


def check_vectors(vectors: list[list[float]], count: int, provider: str) -> list[list[float]]:
    """A provider's answer must hold `count` non-empty vectors of one dimension."""
    sizes = {len(v) for v in vectors}
    if len(vectors) != count or len(sizes) != 1 or 0 in sizes:
        raise ProviderError(
            f"Provider '{provider}' sent {len(vectors)} embeddings of sizes {sorted(sizes)} for "
            f"{count} texts: is ai.roles.embed an embedding model?", "protocol", "ai.roles.embed")
    return vectors


def estimate_tokens(text: str) -> int:
    """chars/4: the usual rule of thumb for English and code with BPE tokenizers (an estimate)."""
    return (len(text) + 3) // 4


T = TypeVar("T")


async def until_cancelled(
    source: AsyncIterator[T], cancel: asyncio.Event | None
) -> AsyncGenerator[T, None]:
    """Yield from `source` until it ends or `cancel` is set, even while waiting for the next item
    (a slow prompt evaluation must not delay the stop). The caller closes the HTTP stream."""
    if cancel is None:
        async for item in source:
            yield item
        return
    waiter = asyncio.ensure_future(cancel.wait())
    step: asyncio.Future[T] | None = None
    try:
        while not cancel.is_set():
            step = asyncio.ensure_future(anext(source))
            done, _ = await asyncio.wait({step, waiter}, return_when=asyncio.FIRST_COMPLETED)
            if step not in done:
                return  # cancelled: the pending read is stopped below
            try:
                item = step.result()
            except StopAsyncIteration:
                return
            step = None
            yield item
    finally:
        # Also when the consumer itself is cancelled or stops iterating: no read of the
        # source may outlive this generator (the caller is about to close the stream).
        if step is not None and not step.done():
            step.cancel()
            with contextlib.suppress(asyncio.CancelledError, StopAsyncIteration, Exception):
                await step
        waiter.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await waiter


async def unless_cancelled(awaitable: Awaitable[T], cancel: asyncio.Event | None) -> T | None:
    """`awaitable`'s result, or None when `cancel` fires first (the awaitable is then
    cancelled: a request still waiting for its response headers is dropped)."""
    if cancel is None:
        return await awaitable
    if cancel.is_set():
        if inspect.iscoroutine(awaitable):
            awaitable.close()  # never started
        return None
    task = asyncio.ensure_future(awaitable)
    waiter = asyncio.ensure_future(cancel.wait())
    dropped = False
    try:
        await asyncio.wait({task, waiter}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        waiter.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await waiter
        if not task.done():  # cancel fired first, or the caller itself was cancelled
            dropped = True
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
    if task.cancelled() or (dropped and task.exception() is not None):
        return None
    # Done first, together with cancel, or too late to stop: the caller closes what it got.
    return task.result()


def merge_stops(*groups: list[str] | tuple[str, ...] | None) -> list[str]:
    """One stop list: non-empty strings, each once, in the order given."""
    return list(dict.fromkeys(s for group in groups for s in (group or ()) if s))


class StopScanner:
    """Applies stop strings to streamed text, as a server does: the text ends before the first
    stop to appear, even one split across deltas. "First" is the one that is complete first
    (the earliest end; of those, the earliest start), so the result does not depend on how the
    text was cut into deltas. Text that could still be the start of a stop is held back until
    the next delta tells (or `flush()` at the end)."""

    def __init__(self, stops: list[str] | tuple[str, ...]) -> None:
        self.stops = merge_stops(stops)
        self._longest = max((len(s) for s in self.stops), default=0)
        self._held = ""
        self.stopped = False

    def feed(self, text: str) -> str:
        """The text that is safe to show now; `stopped` turns True when a stop was found (the
        rest of the stream is then to be dropped)."""
        if self.stopped:
            return ""
        buffer = self._held + text
        # (end, start) of each stop's first occurrence; none can start in text already shown.
        hits = [(i + len(s), i) for s in self.stops if (i := buffer.find(s)) >= 0]
        if hits:
            self.stopped = True
            self._held = ""
            return buffer[:min(hits)[1]]
        keep = 0
        for size in range(min(len(buffer), self._longest - 1), 0, -1):
            tail = buffer[-size:]
            if any(s.startswith(tail) for s in self.stops):
                keep = size
                break
        self._held = buffer[len(buffer) - keep:] if keep else ""
        return buffer[:len(buffer) - keep]

    def flush(self) -> str:
        """What was held back, at the end of the stream (it was no stop after all)."""
        held, self._held = self._held, ""
        return "" if self.stopped else held


def cut_at_stops(text: str, stops: list[str] | tuple[str, ...]) -> tuple[str, bool]:
    """`text` up to the first stop string (as `StopScanner`), and whether one was found."""
    scanner = StopScanner(stops)
    head = scanner.feed(text)
    return (head, True) if scanner.stopped else (head + scanner.flush(), False)


async def collect_completion(events: AsyncIterator[CompletionEvent]) -> Completion:
    """A `Completion` from a `stream_complete` stream (`complete()` on top of the stream)."""
    parts: list[str] = []
    async for event in events:
        if isinstance(event, TextDelta):
            parts.append(event.text)
        else:
            return Completion("".join(parts), event.finish_reason, event.usage)
    raise ProviderError("the completion stream ended without its end event", "protocol")
