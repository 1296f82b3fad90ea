"""The codebase index's facade for routes and chat: index status, search, symbols, repo map.

Store reads are blocking SQLite calls, so every method hops to a worker thread."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pairpad.codebase import symbols
from pairpad.codebase.embeddings import EmbeddingWorker, ResolveEmbedder, VectorStore
from pairpad.codebase.index_settings import IndexSettings
from pairpad.codebase.indexer import Indexer, Notify
from pairpad.codebase.lease import JobLease, LeaseKeeper, LocalLease
from pairpad.codebase.repomap import RepoMap
from pairpad.codebase.retrieval import Retriever, Snippet
from pairpad.errors import Unavailable
from pairpad.workspace.models import FsChange
from pairpad.workspace.visibility import VisibilityPolicy


@dataclass
class IndexProblem:
    path: str
    reason: str


@dataclass
class IndexReport:
    state: str
    indexed: int
    total: int
    parsed: int
    skipped: list[IndexProblem]
    errors: list[IndexProblem]
    last_update: float | None
    duration: float | None
    error: str | None
    database: str
    # "this instance" runs the index jobs; "another instance" does (team mode: it holds
    # the workspace's index lease) and this one reads the shared index it writes.
    indexed_by: str = "this instance"
    # {"state": off|pending|embedding|ready|error, "model", "embedded", "total", "detail"}
    embeddings: dict[str, Any] | None = None


class ContextService:
    """A Component (start/stop) that owns the indexer and answers queries over its store.

    The jobs (build, updates, embeddings) run while this instance holds the index `lease`
    (always, in local mode); otherwise it answers from the index the holder writes."""

    def __init__(self, workspace: Path, data_dir: Path, settings: IndexSettings,
                 notify: Notify | None = None, embedder: ResolveEmbedder | None = None,
                 policy: VisibilityPolicy | None = None, lease: JobLease | None = None,
                 ) -> None:
        self.settings = settings
        self.indexer = Indexer(workspace, data_dir, settings, notify, policy)
        self.lease = LeaseKeeper(lease or LocalLease(), self._lead, self._follow,
                                 settings.lease_ttl_seconds, str(workspace))
        self.policy = self.indexer.policy
        self._repomap: RepoMap | None = None
        self._retriever: Retriever | None = None
        self._vectors: VectorStore | None = None
        # `embedder` resolves the `embed` role (None: not configured, no embedding calls).
        self.embeddings = EmbeddingWorker(settings, self._vector_store, embedder)
        self.indexer.listeners.append(self.embeddings.changed)

    async def start(self) -> None:
        await self.indexer.open()
        if self.settings.enabled:
            await self.lease.start()

    async def stop(self) -> None:
        await self.lease.stop()  # the jobs end before the lease is released
        await self.embeddings.stop()
        await self.indexer.stop()
        self._repomap = self._retriever = self._vectors = None

    async def _lead(self) -> None:
        self.embeddings.start()
        self.indexer.resume()

    async def _follow(self) -> None:
        await self.embeddings.stop()
        await self.indexer.pause()

    async def _catch_up(self) -> None:
        """Not the holder: see what the holder committed since the last read (the repo
        map's and the vectors' caches are keyed by this process's own writes)."""
        if self.lease.held or not self.settings.enabled:
            return
        if await asyncio.to_thread(self.indexer.store.refresh):
            self._vectors = None

    def _vector_store(self) -> VectorStore:
        store = self.indexer.store
        if self._vectors is None or self._vectors.store is not store:
            self._vectors = VectorStore(store)
        return self._vectors

    async def on_fs_changes(self, changes: Sequence[FsChange]) -> None:
        """Watcher subscriber: index what changed (the indexer debounces nothing itself:
        the watcher already batches bursts)."""
        self.indexer.changed(change.path for change in changes)

    @property
    def repomap(self) -> RepoMap:
        self._require()
        if self._repomap is None or self._repomap.store is not self.indexer.store:
            self._repomap = RepoMap(self.indexer.store)
            self._retriever = Retriever(self.indexer.store, self._repomap,
                                        self._vector_store(), self.policy.is_secret)
        return self._repomap

    @property
    def retriever(self) -> Retriever:
        _ = self.repomap
        assert self._retriever is not None
        return self._retriever

    def _require(self) -> None:
        if not self.settings.enabled:
            raise Unavailable("The codebase index is disabled (index.enabled = false).")

    async def status(self) -> IndexReport:
        if not self.settings.enabled:
            return IndexReport("disabled", 0, 0, 0, [], [], None, None, None, "")
        if not self.lease.held:
            await self._catch_up()
            report = await asyncio.to_thread(self._shared_status)
            report.embeddings = await self.embeddings.report()
            if report.embeddings["state"] != "off":  # its state is the holder's, not known here
                report.embeddings.update(state="remote", detail="embedded by another instance")
            return report
        report = await asyncio.to_thread(self._status)
        self.embeddings.poke()
        report.embeddings = await self.embeddings.report()
        return report

    def _shared_status(self) -> IndexReport:
        """What the holder wrote into the shared index: ready once it finished a build or
        an update (its `last_update`), else building."""
        store = self.indexer.store
        counts = store.counts()
        done = counts.get("indexed", 0) + counts.get("error", 0)
        last, duration = store.get_meta("last_update"), store.get_meta("duration")
        return IndexReport(
            state="ready" if last else "building", indexed=done, total=done,
            parsed=self.indexer.status.parsed,
            skipped=[IndexProblem(p, r) for p, r in store.problems("skipped")],
            errors=[IndexProblem(p, r) for p, r in store.problems("error")],
            last_update=float(last) if last else None,
            duration=float(duration) if duration else None, error=None,
            database=str(store.path), indexed_by="another instance")

    def _status(self) -> IndexReport:
        store, st = self.indexer.store, self.indexer.status
        last = store.get_meta("last_update")
        duration = store.get_meta("duration")
        return IndexReport(
            state=st.state, indexed=st.indexed, total=st.total, parsed=st.parsed,
            skipped=[IndexProblem(p, r) for p, r in store.problems("skipped")],
            errors=[IndexProblem(p, r) for p, r in store.problems("error")],
            last_update=st.last_update or (float(last) if last else None),
            duration=st.duration if st.duration is not None else (
                float(duration) if duration else None),
            error=st.error, database=str(store.path))

    async def rebuild(self) -> bool:
        """False: another instance runs this workspace's index jobs (it keeps the index
        up to date on its own)."""
        self._require()
        return self.indexer.rebuild()

    async def search(self, query: str, k: int = 10) -> list[Snippet]:
        await self._catch_up()
        retriever = self.retriever
        vector = await self.embeddings.query_vector(query)
        return await asyncio.to_thread(retriever.search, query, k, query_vector=vector)

    async def repo_map(self, files: Sequence[str] = (), idents: Sequence[str] = (),
                       max_tokens: int | None = None) -> str:
        budget = max_tokens or self.settings.repo_map_tokens
        await self._catch_up()
        return await asyncio.to_thread(self.repomap.render, files, idents, budget)

    async def outline(self, path: str, data: bytes) -> list[symbols.OutlineItem]:
        return await asyncio.to_thread(symbols.outline, path, data)

    async def workspace_symbols(self, query: str, limit: int) -> list[symbols.Location]:
        self._require()
        return await asyncio.to_thread(symbols.workspace_symbols, self.indexer.store, query,
                                       limit)

    async def definitions(self, name: str, path: str | None) -> list[symbols.Location]:
        self._require()
        return await asyncio.to_thread(symbols.definitions, self.indexer.store, name, path)

    async def references(self, name: str) -> list[symbols.Location]:
        self._require()
        return await asyncio.to_thread(symbols.references, self.indexer.store, name)


def snippet_json(snippet: Snippet) -> dict[str, Any]:
    return {
        "path": snippet.path, "start_line": snippet.start_line, "end_line": snippet.end_line,
        "score": snippet.score, "tokens": snippet.tokens, "text": snippet.text,
        "signals": [{"name": s.name, "rank": s.rank, "detail": s.detail}
                    for s in snippet.signals],
    }
