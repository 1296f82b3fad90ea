"""Model metrics at the one place every model request passes: the provider instances the
registry builds are wrapped in `MeteredProvider`, which times each request to its last
token (MODEL_LATENCY) and counts the tokens the provider reported (MODEL_TOKENS).

The request's kind (chat, completion, edit, agent, embed) follows from the method, except
for what rides on `stream_chat`: the inline edit and the agent name themselves with
`model_use("edit" | "agent")` around the call. Estimated usage (a server that did not say)
is not counted: the series holds what providers reported. A request that failed or was
cancelled is not timed (its time says nothing about the model's speed).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncGenerator, AsyncIterator, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, Literal, TypeVar

from pairpad.ai.providers.base import (
    ChatEvent,
    ChatMessage,
    Completion,
    CompletionEvent,
    Health,
    ModelInfo,
    Provider,
    StreamEnd,
    ToolSpec,
    Usage,
)
from pairpad.telemetry.metrics import MODEL_LATENCY, MODEL_TOKENS

E = TypeVar("E")
ModelUse = Literal["chat", "completion", "edit", "agent", "embed"]
_chat_use: ContextVar[ModelUse] = ContextVar("pairpad_model_use", default="chat")


@contextmanager
def model_use(use: ModelUse) -> Iterator[None]:
    """What the chat requests started inside are for (the label `kind` of the series)."""
    token = _chat_use.set(use)
    try:
        yield
    finally:
        _chat_use.reset(token)


def observe(provider: str, kind: str, seconds: float, usage: Usage | None) -> None:
    MODEL_LATENCY.labels(provider, kind).observe(seconds)
    if usage is not None and not usage.estimated:
        MODEL_TOKENS.labels(provider, "prompt").inc(usage.input_tokens)
        MODEL_TOKENS.labels(provider, "completion").inc(usage.output_tokens)


class MeteredProvider:
    """A provider, measured. Optional parts (`embed`, `context_window_of`) exist on it only
    when the wrapped provider has them, so `isinstance(p, Embedder)` still tells."""

    def __init__(self, inner: Provider) -> None:
        self.inner = inner
        self.name = inner.name
        self.kind = inner.kind

    def __getattr__(self, attribute: str) -> Any:
        value = getattr(self.inner, attribute)  # AttributeError: the provider has none
        if attribute == "embed":
            return self._embed
        return value

    async def _embed(self, texts: list[str], model: str) -> list[list[float]]:
        started = time.perf_counter()
        vectors: list[list[float]] = await self.inner.embed(texts, model)  # type: ignore[attr-defined]
        observe(self.name, "embed", time.perf_counter() - started, None)
        return vectors

    async def list_models(self) -> list[ModelInfo]:
        return await self.inner.list_models()

    def stream_chat(
        self, messages: list[ChatMessage], *, model: str, max_tokens: int,
        temperature: float, tools: list[ToolSpec] | None = None,
        cancel: asyncio.Event | None = None,
    ) -> AsyncIterator[ChatEvent]:
        # The use is read now, where the caller set it, not when iteration starts.
        return self._timed(self.inner.stream_chat(
            messages, model=model, max_tokens=max_tokens, temperature=temperature,
            tools=tools, cancel=cancel), _chat_use.get())

    async def complete(
        self, *, model: str, prefix: str, suffix: str | None, max_tokens: int,
        temperature: float = 0.0, stop: list[str] | None = None,
    ) -> Completion:
        started = time.perf_counter()
        result = await self.inner.complete(
            model=model, prefix=prefix, suffix=suffix, max_tokens=max_tokens,
            temperature=temperature, stop=stop)
        if result.finish_reason not in ("cancelled", "error"):
            observe(self.name, "completion", time.perf_counter() - started, result.usage)
        return result

    def stream_complete(
        self, *, model: str, prefix: str, suffix: str | None, max_tokens: int,
        temperature: float = 0.0, stop: list[str] | None = None,
        cancel: asyncio.Event | None = None,
    ) -> AsyncGenerator[CompletionEvent, None]:
        return self._timed(self.inner.stream_complete(
            model=model, prefix=prefix, suffix=suffix, max_tokens=max_tokens,
            temperature=temperature, stop=stop, cancel=cancel), "completion")

    async def _timed(self, events: AsyncIterator[E], kind: str) -> AsyncGenerator[E, None]:
        started = time.perf_counter()
        try:
            async for event in events:
                if isinstance(event, StreamEnd) and event.finish_reason not in ("cancelled",
                                                                                "error"):
                    observe(self.name, kind, time.perf_counter() - started, event.usage)
                yield event
        finally:
            close = getattr(events, "aclose", None)
            if close is not None:  # a consumer that stops early closes the HTTP stream too
                await close()

    async def count_tokens(self, model: str, text: str) -> int:
        return await self.inner.count_tokens(model, text)

    async def health(self) -> Health:
        return await self.inner.health()

    async def aclose(self) -> None:
        await self.inner.aclose()
