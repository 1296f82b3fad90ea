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
from collections.abc import AsyncIterator
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
) -> AsyncIterator[T]:
    """Yield from `source` until it ends or `cancel` is set, even while waiting for the next item
    (a slow prompt evaluation must not delay the stop). The caller closes the HTTP stream."""
    if cancel is None:
        async for item in source:
            yield item
        return
    waiter = asyncio.ensure_future(cancel.wait())
    try:
        while not cancel.is_set():
            step = asyncio.ensure_future(anext(source))
            done, _ = await asyncio.wait({step, waiter}, return_when=asyncio.FIRST_COMPLETED)
            if step not in done:
                step.cancel()
                with contextlib.suppress(asyncio.CancelledError, StopAsyncIteration, Exception):
                    await step
                return
            try:
                item = step.result()
            except StopAsyncIteration:
                return
            yield item
    finally:
        waiter.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await waiter
