"""The embedding signal: a vector per chunk from the `embed` model role, ranked by cosine.

Only when `ai.roles.embed` names an embedding model (the embedded chat model is not one): then,
after each index build or update, a background pass embeds the chunks that have no vector yet,
in bounded batches, off the indexer's thread. Vectors are keyed by (model, chunk-text hash), so
an edit re-embeds only the chunks whose text changed. A failing provider never stops indexing:
the status says what failed and which setting fixes it, and search uses the other signals.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import structlog

from pairpad.codebase.index_settings import IndexSettings
from pairpad.codebase.store import IndexStore

log = structlog.get_logger("pairpad.context.embeddings")

# What the index is given to embed with (it never imports the AI layer): the composition
# root resolves the `embed` model role into an EmbedTarget (`pairpad.ai.embedding`).
EmbedFn = Callable[[list[str]], Awaitable[list[list[float]]]]
EMBED_OFF = ("ai.roles.embed is not set: the embedded model cannot embed; set ai.roles.embed to "
             "an embedding model (e.g. 'myollama:nomic-embed-text') to add the embedding signal")


@dataclass(frozen=True)
class EmbedTarget:
    """An embedding model, resolved: `model` ("provider:model") keys the stored vectors."""

    model: str
    embed: EmbedFn


ResolveEmbedder = Callable[[], EmbedTarget | None]
Matrix = npt.NDArray[np.float32]


@dataclass(frozen=True)
class QueryVector:
    model: str
    vector: Sequence[float]


class VectorStore:
    """The `embeddings` table of one index store, and a normalised matrix of it for ranking
    (rebuilt only after a write)."""

    def __init__(self, store: IndexStore) -> None:
        self.store = store
        self._version = 0  # bumped by every write: the matrix cache key
        self._lock = threading.Lock()
        self._cache: tuple[tuple[str, int, int], list[str], Matrix] | None = None

    def missing(self, model: str, limit: int) -> list[tuple[str, str]]:
        """(hash, text) of up to `limit` distinct chunk texts without a vector of `model`."""
        rows = self.store.read(
            "SELECT c.hash, MIN(c.body) AS body FROM chunks c WHERE NOT EXISTS"
            " (SELECT 1 FROM embeddings e WHERE e.model = ? AND e.hash = c.hash)"
            " GROUP BY c.hash ORDER BY MIN(c.id) LIMIT ?", (model, limit))
        return [(r["hash"], r["body"]) for r in rows]

    def put(self, model: str, items: Sequence[tuple[str, Sequence[float]]]) -> None:
        """Add or replace vectors. Vectors of another dimension than these are from a model
        swapped under the same name: they are dropped, to be embedded again."""
        if not items:
            return
        blobs = [(model, h, np.asarray(v, dtype=np.float32).tobytes()) for h, v in items]
        size = len(blobs[0][2])
        with self.store.vector_transaction() as conn:
            conn.execute("DELETE FROM embeddings WHERE model = ? AND length(vector) != ?",
                         (model, size))
            conn.executemany("INSERT OR REPLACE INTO embeddings VALUES(?, ?, ?)", blobs)
        self._changed()

    def delete(self, model: str, hashes: Sequence[str]) -> None:
        with self.store.vector_transaction() as conn:
            conn.executemany("DELETE FROM embeddings WHERE model = ? AND hash = ?",
                             [(model, h) for h in hashes])
        self._changed()

    def prune(self) -> int:
        """Drop vectors whose text no chunk has any more (edited, deleted)."""
        with self.store.vector_transaction() as conn:
            gone = conn.execute("DELETE FROM embeddings WHERE hash NOT IN"
                                " (SELECT hash FROM chunks)").rowcount
        if gone:
            self._changed()
        return int(gone)

    def counts(self, model: str | None) -> tuple[int, int]:
        """(chunks with a vector of `model`, all chunks)."""
        row = self.store.read(
            "SELECT COUNT(*) AS total, COUNT(e.hash) AS embedded FROM chunks c"
            " LEFT JOIN embeddings e ON e.model = ? AND e.hash = c.hash", (model or "",))[0]
        return int(row["embedded"]), int(row["total"])

    def dimension(self, model: str) -> int | None:
        """The size of `model`'s stored vectors; None when it has none."""
        rows = self.store.read("SELECT length(vector) / 4 AS dim FROM embeddings"
                               " WHERE model = ? LIMIT 1", (model,))
        return int(rows[0]["dim"]) if rows else None

    def forget(self, model: str) -> None:
        with self.store.vector_transaction() as conn:
            conn.execute("DELETE FROM embeddings WHERE model = ?", (model,))
        self._changed()

    def rank(self, model: str, query: Sequence[float], limit: int) -> list[tuple[str, float]]:
        """Chunk hashes by cosine similarity to `query`, best first."""
        q = np.asarray(query, dtype=np.float32)
        hashes, matrix = self._matrix(model, q.shape[0])
        norm = float(np.linalg.norm(q))
        if not hashes or norm == 0.0:
            return []
        scores = matrix @ (q / norm)
        top = min(limit, len(hashes))
        best = np.argpartition(-scores, top - 1)[:top]
        best = best[np.argsort(-scores[best], kind="stable")]
        return [(hashes[i], float(scores[i])) for i in best]

    def _matrix(self, model: str, dim: int) -> tuple[list[str], Matrix]:
        with self._lock:
            key = (model, dim, self._version)
            if self._cache is not None and self._cache[0] == key:
                return self._cache[1], self._cache[2]
            rows = self.store.read("SELECT hash, vector FROM embeddings WHERE model = ?"
                                   " AND length(vector) = ?", (model, dim * 4))
            hashes = [r["hash"] for r in rows]
            matrix = np.empty((len(rows), dim), dtype=np.float32)
            for i, row in enumerate(rows):
                matrix[i] = np.frombuffer(row["vector"], dtype=np.float32)
            norms = np.linalg.norm(matrix, axis=1, keepdims=True)
            matrix /= np.where(norms == 0, 1, norms)
            self._cache = (key, hashes, matrix)
            return hashes, matrix

    def _changed(self) -> None:
        with self._lock:
            self._version += 1


@dataclass
class EmbeddingStatus:
    state: str = "off"  # off | pending | embedding | ready | error
    model: str | None = None
    detail: str | None = EMBED_OFF


class EmbeddingWorker:
    """Keeps the vectors of the current `embed` model in step with the chunks.

    `changed()` (any thread) or `poke()` (the event loop) start a pass; one runs at a time. The
    embed target is resolved again for every batch, so a role changed in the UI applies."""

    def __init__(self, settings: IndexSettings, vectors: Callable[[], VectorStore],
                 resolve: ResolveEmbedder | None = None) -> None:
        self.settings = settings
        self.resolve = resolve
        self.status = EmbeddingStatus()
        self.batches = 0  # embedding requests made by passes (tests, benchmarks)
        self._vectors = vectors
        self._loop: asyncio.AbstractEventLoop | None = None
        self._task: asyncio.Task[None] | None = None
        self._dirty = False
        self._failed_at = 0.0

    def target(self) -> EmbedTarget | None:
        return self.resolve() if self.resolve is not None else None

    def start(self) -> None:
        self._loop = asyncio.get_running_loop()

    async def stop(self) -> None:
        self._loop = None
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def idle(self) -> None:
        """Wait for the running pass (tests)."""
        while self._task is not None and not self._task.done():
            await asyncio.shield(self._task)

    def changed(self, _generation: int = 0) -> None:
        """Indexer listener (its thread): the chunks changed."""
        loop = self._loop
        if loop is not None and not loop.is_closed():
            with contextlib.suppress(RuntimeError):  # the loop closed meanwhile
                loop.call_soon_threadsafe(self.kick)

    def poke(self, target: EmbedTarget | None = None) -> None:
        """Start a pass if the role changed since the last one, or a failure is old enough
        to try again (called on status and search: cheap)."""
        if target is None:
            target = self.target()
        model = target.model if target is not None else None
        if model != self.status.model or (
                self.status.state == "error"
                and time.monotonic() - self._failed_at >= self.settings.embed_retry_seconds):
            self.kick()

    def kick(self) -> None:
        if self._loop is None:
            return
        self._dirty = True
        if self._task is None or self._task.done():
            self._task = asyncio.ensure_future(self._run())

    async def _run(self) -> None:
        while self._dirty:
            self._dirty = False
            target = self.target()
            try:
                await self._pass(target)
            except asyncio.CancelledError:
                raise
            except Exception as error:  # the store, not the provider: keep the server alive
                log.exception("embedding pass failed")
                if target is not None:
                    self._fail(target, error)
                return

    async def _pass(self, target: EmbedTarget | None) -> None:
        if target is None:
            self.status = EmbeddingStatus()
            return
        vectors = self._vectors()
        size = max(1, self.settings.embed_batch_size)
        self.status = EmbeddingStatus("embedding", target.model, None)
        while True:
            todo = await asyncio.to_thread(vectors.missing, target.model, size)
            if not todo:
                break
            # Cut to a bounded size; never empty (OpenAI's API rejects an empty input).
            texts = [text[: self.settings.embed_max_chars] or " " for _hash, text in todo]
            try:
                self.batches += 1
                result = await target.embed(texts)
                if len(result) != len(texts):
                    raise ValueError(f"{len(result)} vectors for {len(texts)} texts")
            except asyncio.CancelledError:
                raise
            except Exception as error:
                self._fail(target, error)
                return
            await asyncio.to_thread(vectors.put, target.model,
                                    [(h, v) for (h, _t), v in zip(todo, result, strict=True)])
            now = self.target()  # per batch: the role may have changed in the UI
            if now is None or now.model != target.model:
                self._dirty = True
                return
            target = now
        await asyncio.to_thread(vectors.prune)
        self.status = EmbeddingStatus("ready", target.model, None)

    def _fail(self, target: EmbedTarget, error: BaseException) -> None:
        detail = str(error) or type(error).__name__
        was = self.status
        self.status = EmbeddingStatus(
            "error", target.model,
            f"{detail} (ai.roles.embed = {target.model}; search uses the other signals "
            "until embedding works)")
        self._failed_at = time.monotonic()
        if was.state != "error" or was.detail != self.status.detail:
            log.warning("embedding failed", model=target.model, error=detail)

    async def query_vector(self, query: str) -> QueryVector | None:
        """The query's vector when there are vectors to compare it with; None otherwise or
        when the provider fails (the status then says why)."""
        target = self.target()
        self.poke(target)
        vectors = self._vectors()
        stored = await asyncio.to_thread(vectors.dimension, target.model) if target else None
        if target is None or stored is None:
            return None
        try:
            async with asyncio.timeout(self.settings.embed_query_timeout):
                result = await target.embed([query[: self.settings.embed_max_chars]])
            vector = result[0]
        except asyncio.CancelledError:
            raise
        except Exception as error:
            if isinstance(error, TimeoutError):
                error = TimeoutError(f"the query embedding took over "
                                     f"{self.settings.embed_query_timeout:g}s "
                                     "(index.embed_query_timeout)")
            self._fail(target, error)
            return None
        if len(vector) != stored and self._loop is None:
            return None  # not running the jobs here (another instance holds the lease)
        if len(vector) != stored:  # another model now answers to this name: embed again
            log.warning("embedding size changed; re-embedding", model=target.model,
                        was=stored, now=len(vector))
            await asyncio.to_thread(vectors.forget, target.model)
            self.kick()
            return None
        return QueryVector(target.model, vector)

    async def report(self) -> dict[str, Any]:
        status = self.status
        target = self.target()
        model = target.model if target is not None else None
        if target is None:
            status = EmbeddingStatus()
        elif status.model != model:
            status = EmbeddingStatus("pending", model, None)
        embedded, total = await asyncio.to_thread(self._vectors().counts, model)
        return {"state": status.state, "model": status.model, "embedded": embedded,
                "total": total, "detail": status.detail}
