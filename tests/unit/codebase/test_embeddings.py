"""The embedding signal: vectors keyed by chunk hash, cosine ranking, fusion, and the
background pass (batched, incremental, failure-tolerant, off when the `embed` role is unset)."""

from __future__ import annotations

import asyncio
import math
import os
import re
import zlib
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from pairpad.ai.embedding import embed_target
from pairpad.ai.provider_config import LocalModelSettings, ProviderConfig
from pairpad.ai.providers.base import ProviderError
from pairpad.ai.providers.local import LocalModelServer
from pairpad.ai.providers.registry import ProviderRegistry, ProviderSpec
from pairpad.ai.roles import default_roles
from pairpad.codebase.embeddings import EmbedTarget, QueryVector, VectorStore
from pairpad.codebase.index_settings import IndexSettings
from pairpad.codebase.indexer import Indexer
from pairpad.codebase.repomap import RepoMap
from pairpad.codebase.retrieval import Retriever
from pairpad.codebase.service import ContextService

DIM = 128
DOWN = ProviderError("Provider 'myollama' unreachable at http://127.0.0.1:9: start Ollama "
                     "(`ollama serve`) or set ai.providers.myollama.base_url", "unreachable")


def words_vector(text: str) -> list[float]:
    """A stand-in embedding model: hashed bag of lower-case words."""
    vector = [0.0] * DIM
    for word in re.findall(r"[a-z]+", text.lower()):
        vector[zlib.crc32(word.encode()) % DIM] += 1.0
    return vector


class FakeModel:
    """The `embed` role's callable, recording every batch; `fail` makes it raise."""

    def __init__(self, model: str = "fake:words") -> None:
        self.model = model
        self.batches: list[list[str]] = []
        self.fail: BaseException | None = None

    async def __call__(self, texts: list[str]) -> list[list[float]]:
        if self.fail is not None:
            raise self.fail
        self.batches.append(list(texts))
        return [words_vector(text) for text in texts]

    def target(self) -> EmbedTarget:
        return EmbedTarget(self.model, self)

    @property
    def texts(self) -> list[str]:
        return [text for batch in self.batches for text in batch]


def unit(i: int, dim: int = 3) -> list[float]:
    return [1.0 if j == i else 0.0 for j in range(dim)]


def hash_of(store: Any, path: str) -> str:
    return str(store.read("SELECT c.hash FROM chunks c JOIN files f ON f.id = c.file_id"
                          " WHERE f.path = ? ORDER BY c.start_line", (path,))[0]["hash"])


# -- vector store and ranking -------------------------------------------------------------------

def test_vector_store_add_replace_delete_by_chunk_hash(indexer: Indexer) -> None:
    indexer.build()
    store = indexer.store
    vectors = VectorStore(store)
    todo = vectors.missing("m", 1000)
    assert vectors.counts("m") == (0, 15) and len(todo) == 15
    assert all(text for _h, text in todo) and vectors.dimension("m") is None
    generation = store.generation

    lru, codec = hash_of(store, "native/lru.rs"), hash_of(store, "kvstore/codec.py")
    vectors.put("m", [(lru, unit(0)), (codec, unit(1))])
    assert vectors.counts("m") == (2, 15) and vectors.counts("other") == (0, 15)
    assert vectors.dimension("m") == 3
    assert {h for h, _t in vectors.missing("m", 1000)} == {h for h, _t in todo} - {lru, codec}
    assert [h for h, _s in vectors.rank("m", unit(0), 1)] == [lru]

    vectors.put("m", [(lru, unit(2))])  # replace: same hash, new vector
    assert vectors.counts("m") == (2, 15)
    assert [h for h, _s in vectors.rank("m", unit(2), 1)] == [lru]

    vectors.delete("m", [lru])
    assert vectors.counts("m") == (1, 15) and lru in dict(vectors.missing("m", 1000))

    vectors.put("m", [(lru, [1.0, 0.0, 0.0, 0.0])])  # another dimension: the model was swapped
    assert vectors.counts("m") == (1, 15) and vectors.rank("m", unit(1), 5) == []
    assert vectors.dimension("m") == 4

    store.write(deleted=["native/lru.rs"])  # the chunk goes: its vector is pruned
    assert vectors.prune() == 1 and vectors.dimension("m") is None
    vectors.put("m", [(codec, unit(0))])
    vectors.forget("m")
    assert vectors.counts("m") == (0, 14)
    assert store.generation == generation + 1  # only the file write bumped it, not the vectors


def test_cosine_ranking(indexer: Indexer) -> None:
    vectors = VectorStore(indexer.store)
    vectors.put("m", [("x", [1.0, 0.0, 0.0]), ("near", [10.0, 1.0, 0.0]),
                      ("far", [0.0, 0.0, 2.0]), ("zero", [0.0, 0.0, 0.0])])
    ranked = vectors.rank("m", [3.0, 0.0, 0.0], 10)  # length does not matter, direction does
    assert [h for h, _s in ranked] == ["x", "near", "far", "zero"]
    assert ranked[0][1] == pytest.approx(1.0)
    assert ranked[1][1] == pytest.approx(10 / math.sqrt(101), rel=1e-5)
    assert ranked[2][1] == pytest.approx(0.0) and ranked[3][1] == 0.0
    assert [h for h, _s in vectors.rank("m", [0.0, 0.0, 1.0], 1)] == ["far"]
    assert vectors.rank("m", [0.0, 0.0, 0.0], 5) == []
    assert vectors.rank("unknown-model", [1.0, 0.0, 0.0], 5) == []


def test_fusion_adds_the_embedding_signal(indexer: Indexer) -> None:
    indexer.build()
    store = indexer.store
    vectors = VectorStore(store)
    others = [h for h, _t in vectors.missing("m", 1000) if h != hash_of(store, "native/lru.rs")]
    vectors.put("m", [(hash_of(store, "native/lru.rs"), unit(0, 8))]
                + [(h, unit(1 + i % 7, 8)) for i, h in enumerate(others)])
    retriever = Retriever(store, RepoMap(store), vectors)
    meaning = QueryVector("m", unit(0, 8))

    # No word of the query is in the code: only the embedding finds it.
    assert retriever.search("zyzzyva", 3) == []
    top = retriever.search("zyzzyva", 3, query_vector=meaning)[0]
    assert top.path == "native/lru.rs"
    assert [s.name for s in top.signals if s.name != "repomap"] == ["embedding"]
    assert top.signals[0].rank == 1 and "cosine 1.00" in top.signals[0].detail

    # Found by words and by meaning: both signals, and a higher fused score.
    query = "least recently used cache eviction"
    plain = retriever.search(query, 5)[0]
    both = retriever.search(query, 5, query_vector=meaning)[0]
    assert plain.path == both.path == "native/lru.rs"
    assert {s.name for s in both.signals} >= {"bm25", "embedding"}
    assert both.score > plain.score
    off = retriever.search(query, 5, signals=("bm25",), query_vector=meaning)
    assert all(s.name == "bm25" for r in off for s in r.signals)


# -- the background pass through the service ----------------------------------------------------

@pytest.fixture
async def services() -> AsyncIterator[list[ContextService]]:
    made: list[ContextService] = []
    yield made
    for service in made:
        await service.stop()


async def start(services: list[ContextService], repo: Path, tmp_path: Path,
                resolve: Callable[[], EmbedTarget | None] | None,
                **settings: Any) -> ContextService:
    service = ContextService(repo, tmp_path / "data", IndexSettings(batch_size=4, **settings),
                             embedder=resolve)
    services.append(service)
    await service.start()
    await settle(service)
    return service


async def settle(service: ContextService) -> None:
    """Until the indexer is idle and the embedding pass it started has finished."""
    for _ in range(500):
        if service.indexer.status.state in ("ready", "error") and not service.indexer._tasks:
            break
        await asyncio.sleep(0.02)
    await asyncio.sleep(0)  # the indexer's listener schedules the pass with call_soon_threadsafe
    await service.embeddings.idle()


async def test_chunks_are_embedded_in_bounded_batches_and_found(
        services: list[ContextService], repo: Path, tmp_path: Path) -> None:
    model = FakeModel()
    service = await start(services, repo, tmp_path, model.target, embed_batch_size=4)
    assert len(model.texts) == 15 and max(len(b) for b in model.batches) <= 4
    status = (await service.status()).embeddings
    assert status == {"state": "ready", "model": "fake:words", "embedded": 15, "total": 15,
                      "detail": None}

    batches = len(model.batches)
    results = await service.search("least recently used cache eviction", 5)
    assert model.batches[batches:] == [["least recently used cache eviction"]]  # the query
    top = results[0]
    assert top.path == "native/lru.rs"
    assert {s.name for s in top.signals} >= {"bm25", "embedding"}
    assert any(s.name == "embedding" for r in results for s in r.signals)


async def test_one_line_edit_re_embeds_only_the_changed_chunk(
        services: list[ContextService], repo: Path, tmp_path: Path) -> None:
    model = FakeModel()
    service = await start(services, repo, tmp_path, model.target, chunk_lines=12)
    store = service.indexer.store
    assert len(model.texts) == 42  # every chunk, once

    def chunks(path: str) -> dict[str, str]:
        return {r["hash"]: r["body"] for r in store.read(
            "SELECT c.hash, c.body FROM chunks c JOIN files f ON f.id = c.file_id"
            " WHERE f.path = ?", (path,))}

    before = chunks("kvstore/expiry.py")
    assert len(before) == 4
    expiry = repo / "kvstore" / "expiry.py"
    expiry.write_text(expiry.read_text().replace("    removed = 0\n",
                                                 "    removed: int = 0\n"))
    stat = expiry.stat()
    os.utime(expiry, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    calls = len(model.batches)
    service.indexer.changed(["kvstore/expiry.py"])
    await settle(service)

    after = chunks("kvstore/expiry.py")
    changed = [body for h, body in after.items() if h not in before]
    assert len(changed) == 1 and "removed: int = 0" in changed[0]
    assert model.texts[-1:] == changed and len(model.batches) == calls + 1
    report = (await service.status()).embeddings
    assert report is not None and report["embedded"] == report["total"] == 42
    stale = set(before) - set(after)
    assert len(stale) == 1  # the old chunk's vector was pruned
    assert not store.read("SELECT 1 FROM embeddings WHERE hash = ?", list(stale))


async def test_a_failing_embedder_never_breaks_indexing_or_search(
        services: list[ContextService], repo: Path, tmp_path: Path) -> None:
    model = FakeModel("myollama:nomic-embed-text")
    model.fail = DOWN
    service = await start(services, repo, tmp_path, model.target, embed_retry_seconds=0)
    report = await service.status()
    assert report.state == "ready" and report.indexed == report.total == 15
    embeddings = report.embeddings
    assert embeddings is not None and embeddings["state"] == "error"
    assert embeddings["embedded"] == 0 and embeddings["total"] == 15
    assert "ai.providers.myollama.base_url" in embeddings["detail"]
    assert "ai.roles.embed = myollama:nomic-embed-text" in embeddings["detail"]

    top = (await service.search("where is evict_expired", 3))[0]  # the other signals
    assert top.path == "kvstore/expiry.py"
    assert {s.name for s in top.signals} >= {"bm25", "symbol"}
    assert "embedding" not in {s.name for s in top.signals}

    model.fail = None  # the provider is back: the next status starts a pass again
    await service.status()
    await service.embeddings.idle()
    assert (await service.status()).embeddings == {
        "state": "ready", "model": "myollama:nomic-embed-text", "embedded": 15, "total": 15,
        "detail": None}

    model.fail = DOWN  # down again while searching: the query goes without its vector
    results = await service.search("least recently used cache eviction", 3)
    assert results[0].path == "native/lru.rs"
    assert all(s.name != "embedding" for r in results for s in r.signals)
    embeddings = (await service.status()).embeddings
    assert embeddings is not None and embeddings["state"] == "error"
    assert embeddings["embedded"] == 15  # the vectors stay; they are used again once it works


async def test_a_slow_query_embedding_is_not_waited_for(
        services: list[ContextService], repo: Path, tmp_path: Path) -> None:
    model = FakeModel()
    service = await start(services, repo, tmp_path, model.target, embed_query_timeout=0.1)

    async def hang(texts: list[str]) -> list[list[float]]:
        await asyncio.sleep(30)
        return []

    service.embeddings.resolve = lambda: EmbedTarget("fake:words", hang)
    results = await service.search("where is evict_expired", 3)
    assert results[0].path == "kvstore/expiry.py"
    embeddings = (await service.status()).embeddings
    assert embeddings is not None and "index.embed_query_timeout" in embeddings["detail"]


async def test_no_embedding_calls_when_the_role_is_unset(
        services: list[ContextService], repo: Path, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    server = LocalModelServer(LocalModelSettings(), tmp_path / "logs")
    registry = ProviderRegistry(server)
    registry.configure({"local": ProviderSpec("local", ProviderConfig(kind="local"))},
                       default_roles("smollm2-135m-instruct"))
    used: list[str] = []
    real_get = registry.get

    def spy(name: str) -> object:
        used.append(name)
        return real_get(name)

    monkeypatch.setattr(registry, "get", spy)

    service = await start(services, repo, tmp_path, lambda: embed_target(registry))
    results = await service.search("least recently used cache eviction", 5)
    assert results and all(s.name != "embedding" for r in results for s in r.signals)
    embeddings = (await service.status()).embeddings
    assert embeddings is not None
    assert embeddings["state"] == "off" and embeddings["embedded"] == 0
    assert "ai.roles.embed" in embeddings["detail"]
    assert "cannot embed" in embeddings["detail"]
    assert used == [] and server.starts == 0  # no provider was even built
    assert service.embeddings.batches == 0
    assert not service.indexer.store.read("SELECT 1 FROM embeddings")


async def test_a_role_change_takes_effect_without_a_restart(
        services: list[ContextService], repo: Path, tmp_path: Path) -> None:
    first, second = FakeModel("a:one"), FakeModel("b:two")
    current: list[FakeModel | None] = [None]

    def resolve() -> EmbedTarget | None:
        chosen = current[0]
        return chosen.target() if chosen is not None else None

    service = await start(services, repo, tmp_path, resolve)
    assert first.batches == [] and (await service.status()).embeddings["state"] == "off"  # type: ignore[index]

    current[0] = first  # set in the UI
    assert (await service.status()).embeddings["state"] in ("pending", "embedding")  # type: ignore[index]
    await service.embeddings.idle()
    assert len(first.texts) == 15
    current[0] = second  # another model: its own vectors
    await service.search("cache eviction", 3)  # no vectors of it yet: query not embedded
    await service.embeddings.idle()
    assert len(second.texts) == 15
    report = (await service.status()).embeddings
    assert report is not None and (report["state"], report["model"]) == ("ready", "b:two")
    vectors = service._vector_store()
    assert vectors.counts("a:one") == (15, 15) and vectors.counts("b:two") == (15, 15)
    query = QueryVector("b:two", words_vector("cache eviction"))
    assert np.isclose(vectors.rank("b:two", query.vector, 1)[0][1], vectors.rank(
        "a:one", query.vector, 1)[0][1])
    await service.search("cache eviction", 3)
    assert second.texts[-1] == "cache eviction"
    calls = len(second.batches)
    current[0] = None  # back to unset: no calls
    await service.search("cache eviction", 3)
    await service.embeddings.idle()
    assert len(second.batches) == calls
    assert (await service.status()).embeddings["state"] == "off"  # type: ignore[index]


async def test_a_model_swapped_under_the_same_name_is_embedded_again(
        services: list[ContextService], repo: Path, tmp_path: Path) -> None:
    model = FakeModel("myollama:latest")
    service = await start(services, repo, tmp_path, model.target)
    assert len(model.texts) == 15

    async def wider(texts: list[str]) -> list[list[float]]:
        model.batches.append(list(texts))
        return [[*words_vector(text), 1.0] for text in texts]

    service.embeddings.resolve = lambda: EmbedTarget("myollama:latest", wider)
    results = await service.search("least recently used cache eviction", 3)
    assert all(s.name != "embedding" for r in results for s in r.signals)  # sizes differ
    await service.embeddings.idle()
    assert len(model.texts) == 15 + 1 + 15  # the query, then every chunk again
    assert service._vector_store().dimension("myollama:latest") == DIM + 1
    results = await service.search("least recently used cache eviction", 3)
    assert any(s.name == "embedding" for s in results[0].signals)
