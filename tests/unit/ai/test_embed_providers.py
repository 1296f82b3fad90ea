"""Embedding calls of the providers, against replays of their wire formats: Ollama's native
`POST /api/embed` and OpenAI's `/v1/embeddings` (also as llama-cpp-python's server answers it),
and the `embed` role resolved to one of them."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import httpx2
import pytest

from pairpad.ai.embedding import embed_target
from pairpad.ai.provider_config import LocalModelSettings, ProviderConfig
from pairpad.ai.providers.base import Embedder, ProviderError
from pairpad.ai.providers.endpoint import ProviderEndpoint
from pairpad.ai.providers.local import LocalModelServer, LocalProvider
from pairpad.ai.providers.ollama import OllamaProvider
from pairpad.ai.providers.openai_compat import OpenAICompatProvider
from pairpad.ai.providers.registry import ProviderRegistry, ProviderSpec
from pairpad.ai.roles import ModelRef, default_roles

# POST /api/embed as Ollama answers it (docs.ollama.com "Generate embeddings"; vectors cut to 4
# numbers here: a real nomic-embed-text vector has 768).
OLLAMA_EMBED = {
    "model": "nomic-embed-text",
    "embeddings": [[0.010071029, -0.0017594862, 0.05007221, 0.04692972],
                   [-0.0098027, 0.06042469, 0.025257962, -0.006364387]],
    "total_duration": 14143917, "load_duration": 1019500, "prompt_eval_count": 8,
}
OLLAMA_MISSING = {"error": 'model "nomic-embed-text" not found, try pulling it first'}


def ollama(handler: Callable[[httpx.Request], httpx.Response]) -> OllamaProvider:
    return OllamaProvider(ProviderEndpoint("myollama", "http://ollama.test:11434"),
                          transport=httpx.MockTransport(handler))


async def test_ollama_embed_request_and_vectors() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=OLLAMA_EMBED)

    provider = ollama(handler)
    vectors = await provider.embed(["def add(a, b):", "class Cache:"], "nomic-embed-text")
    assert vectors == OLLAMA_EMBED["embeddings"]
    assert seen[0].method == "POST" and seen[0].url.path == "/api/embed"
    assert json.loads(seen[0].content) == {"model": "nomic-embed-text", "truncate": True,
                                           "input": ["def add(a, b):", "class Cache:"]}
    assert await provider.embed([], "nomic-embed-text") == [] and len(seen) == 1
    assert isinstance(provider, Embedder)
    await provider.aclose()


@pytest.mark.parametrize(("status", "body", "kind", "says"), [
    (404, OLLAMA_MISSING, "model_not_found", "ollama pull nomic-embed-text"),
    (200, {"model": "nomic-embed-text"}, "protocol", "'embeddings'"),
    (200, {"embeddings": [[0.1, 0.2]]}, "protocol", "ai.roles.embed"),  # 1 vector for 2 texts
    (200, {"embeddings": [[0.1, 0.2], [0.1]]}, "protocol", "ai.roles.embed"),  # sizes differ
    (200, {"embeddings": [["a", 1], [0.1, 0.2]]}, "protocol", "not numbers"),
])
async def test_ollama_embed_failures_name_the_fix(status: int, body: dict[str, Any], kind: str,
                                                  says: str) -> None:
    provider = ollama(lambda _r: httpx.Response(status, json=body))
    with pytest.raises(ProviderError) as caught:
        await provider.embed(["a", "b"], "nomic-embed-text")
    assert caught.value.kind == kind and says in caught.value.detail


async def test_ollama_embed_unreachable() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    with pytest.raises(ProviderError) as caught:
        await ollama(refuse).embed(["a"], "nomic-embed-text")
    assert caught.value.kind == "unreachable"
    assert "ai.providers.myollama.base_url" in caught.value.detail


def compat(handler: Callable[[httpx2.Request], httpx2.Response]) -> OpenAICompatProvider:
    client = httpx2.AsyncClient(transport=httpx2.MockTransport(handler))
    return OpenAICompatProvider(ProviderEndpoint("server", "http://llm.test/v1", api_key="k"),
                                http_client=client)


def openai_answer(vectors: list[Any], order: list[int] | None = None) -> httpx2.Response:
    indexes = order or list(range(len(vectors)))
    return httpx2.Response(200, json={
        "object": "list", "model": "m",
        "data": [{"object": "embedding", "index": i, "embedding": vectors[i]} for i in indexes],
        "usage": {"prompt_tokens": 4, "total_tokens": 4}})


async def test_openai_compat_embed_orders_by_index() -> None:
    seen: list[dict[str, Any]] = []

    def handler(request: httpx2.Request) -> httpx2.Response:
        seen.append(json.loads(request.content))
        assert request.url.path == "/v1/embeddings"
        return openai_answer([[1.0, 0.0], [0.0, 1.0]], order=[1, 0])

    vectors = await compat(handler).embed(["first", "second"], "text-embedding-3-small")
    assert vectors == [[1.0, 0.0], [0.0, 1.0]]
    assert seen == [{"model": "text-embedding-3-small", "input": ["first", "second"],
                     "encoding_format": "float"}]


async def test_openai_compat_mean_pools_per_token_vectors_one_text_at_a_time() -> None:
    """llama-cpp-python's server with a chat GGUF answers a vector per token, and misplaces
    them for every text after the first of a batch: pool them, and ask one text at a time."""
    seen: list[list[str]] = []
    tokens = {"a": [[1.0, 0.0], [3.0, 2.0]], "b": [[0.0, 4.0]], "c": [[2.0, 2.0], [0.0, 0.0]]}

    def handler(request: httpx2.Request) -> httpx2.Response:
        texts = json.loads(request.content)["input"]
        seen.append(texts)
        return openai_answer([tokens[t] if i == 0 else [[9.0, 9.0]]  # later ones: garbage
                              for i, t in enumerate(texts)])

    provider = compat(handler)
    assert await provider.embed(["a", "b", "c"], "smol") == [[2.0, 1.0], [0.0, 4.0], [1.0, 1.0]]
    assert seen == [["a", "b", "c"], ["b"], ["c"]]
    assert await provider.embed(["c", "a"], "smol") == [[1.0, 1.0], [2.0, 1.0]]
    assert seen[3:] == [["c"], ["a"]]  # remembered: no batch is sent to that model again


async def test_openai_compat_embed_errors() -> None:
    missing = compat(lambda _r: httpx2.Response(
        404, json={"error": {"message": "The model 'nope' does not exist"}}))
    with pytest.raises(ProviderError) as caught:
        await missing.embed(["a"], "nope")
    assert caught.value.kind == "model_not_found" and "ai.roles" in caught.value.detail
    ragged = compat(lambda _r: openai_answer([[1.0, 0.0], [1.0]]))
    with pytest.raises(ProviderError, match=r"ai\.roles\.embed"):
        await ragged.embed(["a", "b"], "m")


class FakeEmbedder:
    name = "myollama"
    kind = "ollama"

    def __init__(self) -> None:
        self.calls: list[tuple[list[str], str]] = []

    async def embed(self, texts: list[str], model: str) -> list[list[float]]:
        self.calls.append((texts, model))
        return [[1.0, float(len(t))] for t in texts]


def registry(tmp_path: Path, specs: dict[str, str], embed: str | None) -> ProviderRegistry:
    server = LocalModelServer(LocalModelSettings(), tmp_path)
    built = ProviderRegistry(server)
    roles = default_roles("smollm2-135m-instruct")
    if embed is not None:
        provider, _, model = embed.partition(":")
        roles["embed"] = ModelRef(provider, model)
    built.configure({name: ProviderSpec(name, ProviderConfig.model_validate({"kind": kind}))
                     for name, kind in {"local": "local", **specs}.items()}, roles)
    return built


async def test_embed_role_left_at_the_embedded_model_is_off(tmp_path: Path) -> None:
    assert embed_target(registry(tmp_path, {}, None)) is None
    assert embed_target(registry(tmp_path, {}, "local:smollm2-135m-instruct")) is None
    assert embed_target(registry(tmp_path, {"mine": "local"}, "mine:x")) is None
    assert not isinstance(LocalProvider(LocalModelServer(LocalModelSettings(), tmp_path)),
                          Embedder)


async def test_embed_role_resolves_to_the_provider(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    roles = registry(tmp_path, {"myollama": "ollama"}, "myollama:nomic-embed-text:v1.5")
    fake = FakeEmbedder()
    monkeypatch.setattr(roles, "get", lambda name: fake if name == "myollama" else None)
    target = embed_target(roles)
    assert target is not None and target.model == "myollama:nomic-embed-text:v1.5"
    assert await target.embed(["ab"]) == [[1.0, 2.0]]
    assert fake.calls == [(["ab"], "nomic-embed-text:v1.5")]


async def test_embed_role_on_a_provider_that_cannot_embed(tmp_path: Path) -> None:
    target = embed_target(registry(tmp_path, {"claude": "anthropic"}, "claude:sonnet"))
    assert target is not None
    with pytest.raises(ProviderError) as caught:
        await target.embed(["a"])
    assert "cannot embed" in caught.value.detail and caught.value.setting == "ai.roles.embed"
