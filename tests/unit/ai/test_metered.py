"""MeteredProvider: what each model request adds to the model series (kind by method or by
`model_use`, tokens only as reported, failures and cancels not timed), and that it keeps
the wrapped provider's optional parts (an `Embedder` only when the provider is one)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any, cast

from prometheus_client import REGISTRY

from pairpad.ai.providers.base import (
    ChatEvent,
    CompletionEvent,
    Embedder,
    Health,
    ModelInfo,
    Provider,
    StreamEnd,
    TextDelta,
    Usage,
)
from pairpad.ai.providers.metered import MeteredProvider, model_use


class Fake:
    """A provider whose streams end the way a test says."""

    kind = "fake"

    def __init__(self, name: str, end: StreamEnd) -> None:
        self.name = name
        self.end = end

    async def list_models(self) -> list[ModelInfo]:
        return []

    async def stream_chat(self, messages: Any, **_options: Any) -> AsyncIterator[ChatEvent]:
        yield TextDelta("hi")
        yield self.end

    async def complete(self, **_options: Any) -> Any:
        raise NotImplementedError

    async def stream_complete(self, **_options: Any) -> AsyncIterator[CompletionEvent]:
        yield TextDelta("x")
        yield self.end

    async def count_tokens(self, model: str, text: str) -> int:
        return 1

    async def health(self) -> Health:
        return Health(ok=True)

    async def aclose(self) -> None:
        return None


class FakeEmbedder(Fake):
    async def embed(self, texts: list[str], model: str) -> list[list[float]]:
        return [[1.0] for _ in texts]


def timed(provider: str, kind: str) -> float:
    count = REGISTRY.get_sample_value("pairpad_model_request_duration_seconds_count",
                                      {"provider": provider, "kind": kind})
    return count or 0.0


def tokens(provider: str, direction: str) -> float:
    value = REGISTRY.get_sample_value("pairpad_model_tokens_total",
                                      {"provider": provider, "direction": direction})
    return value or 0.0


def metered(fake: Fake) -> MeteredProvider:
    return MeteredProvider(cast(Provider, fake))  # the fake has only what the tests call


async def drain(events: AsyncIterator[Any]) -> None:
    async for _event in events:
        pass


async def test_kinds_and_reported_tokens() -> None:
    provider = metered(Fake("m1", StreamEnd("stop", Usage(7, 3))))
    await drain(provider.stream_chat([], model="m", max_tokens=5, temperature=0))
    with model_use("edit"):
        edit = provider.stream_chat([], model="m", max_tokens=5, temperature=0)
    await drain(edit)  # iterated outside the block: the use was taken at the call
    with model_use("agent"):
        await drain(provider.stream_chat([], model="m", max_tokens=5, temperature=0))
    await drain(provider.stream_complete(model="m", prefix="a", suffix=None, max_tokens=5))
    assert [timed("m1", kind) for kind in ("chat", "edit", "agent", "completion")] == [1] * 4
    assert (tokens("m1", "prompt"), tokens("m1", "completion")) == (28, 12)


async def test_estimates_are_not_counted_and_cancels_not_timed() -> None:
    estimated = metered(Fake("m2", StreamEnd("stop", Usage(7, 3, estimated=True))))
    await drain(estimated.stream_chat([], model="m", max_tokens=5, temperature=0))
    assert timed("m2", "chat") == 1 and tokens("m2", "prompt") == 0
    cancelled = metered(Fake("m3", StreamEnd("cancelled", Usage(7, 0))))
    await drain(cancelled.stream_chat([], model="m", max_tokens=5, temperature=0,
                                      cancel=asyncio.Event()))
    assert timed("m3", "chat") == 0 and tokens("m3", "prompt") == 0


async def test_only_an_embedding_provider_is_an_embedder() -> None:
    assert not isinstance(metered(Fake("m4", StreamEnd("stop", None))), Embedder)
    embedder = metered(FakeEmbedder("m5", StreamEnd("stop", None)))
    assert isinstance(embedder, Embedder)
    assert await embedder.embed(["a", "b"], "e") == [[1.0], [1.0]]
    assert timed("m5", "embed") == 1
