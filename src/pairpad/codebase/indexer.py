"""The indexer component: first build off the event loop, incremental updates on change.

Builds diff the walk against the store by (size, mtime), then by content hash, so only new
or changed files are parsed; each batch commits on its own, so a killed build resumes."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Coroutine, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import structlog

from pairpad.codebase.analyze import FileRecord, analyze, content_hash
from pairpad.codebase.index_settings import IndexSettings
from pairpad.codebase.store import FileState, IndexStore, index_path
from pairpad.codebase.walker import FileEntry, Skipped, classify, included, walk
from pairpad.telemetry.metrics import INDEX_JOB_DURATION, INDEX_JOBS
from pairpad.workspace.visibility import IGNORE_FILES, VisibilityPolicy

log = structlog.get_logger("pairpad.context.indexer")
Notify = Callable[[dict[str, object]], Coroutine[Any, Any, None]]
FULL_RESCAN_OVER = 200  # a change batch this large (a branch switch) is cheaper as a rescan


@dataclass
class BuildState:
    state: str = "idle"  # idle | building | ready | error | disabled
    indexed: int = 0
    total: int = 0
    parsed: int = 0  # files actually parsed since start (for tests and benchmarks)
    started_at: float | None = None
    duration: float | None = None
    last_update: float | None = None
    error: str | None = None


class Indexer:
    def __init__(self, workspace: Path, data_dir: Path, settings: IndexSettings,
                 notify: Notify | None = None, policy: VisibilityPolicy | None = None) -> None:
        self.root = workspace
        self.settings = settings
        self.policy = policy or VisibilityPolicy(workspace)
        self.db_path = index_path(data_dir, workspace)
        self.status = BuildState()
        self._notify = notify
        self._store: IndexStore | None = None
        self._stop = threading.Event()
        self._lock = threading.Lock()  # one build or update at a time
        self._open_lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._last_notified = 0.0
        # False while another instance holds the workspace's index lease (team mode): then
        # this one only reads the shared store; the holder's watcher sees the same changes.
        self.active = False
        self.listeners: list[Callable[[int], None]] = []  # called with the store generation

    @property
    def store(self) -> IndexStore:
        with self._open_lock:
            if self._store is None:
                self._store = IndexStore(self.db_path)
            return self._store

    # -- component life ------------------------------------------------------------------
    async def start(self) -> None:
        await self.open()
        self.resume()

    async def open(self) -> None:
        """Open the store for reads; no jobs until `resume`."""
        if not self.settings.enabled:
            self.status.state = "disabled"
            return
        self._loop = asyncio.get_running_loop()
        await asyncio.to_thread(lambda: self.store)

    def resume(self) -> None:
        """Run jobs from now on, starting with a build (which catches up on what changed
        while another instance, or nobody, ran them)."""
        if not self.settings.enabled:
            return
        self.active = True
        self._stop.clear()
        self.rebuild()

    async def pause(self) -> None:
        """No more jobs: cancel the queued ones, wait for the one running (it stops
        between batches; each batch committed), keep the store open for reads."""
        self.active = False
        self._stop.set()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await asyncio.to_thread(self._lock.acquire)
        self._lock.release()
        if self.status.state == "building":
            self.status.state = "idle"

    async def stop(self) -> None:
        await self.pause()
        # A build thread notices _stop between batches; wait for it before closing the DB.
        await asyncio.to_thread(self._lock.acquire)
        try:
            if self._store is not None:
                self._store.close()
                self._store = None
        finally:
            self._lock.release()

    def rebuild(self) -> bool:
        """Start a build; False when this instance does not run the jobs."""
        if not self.active:
            return False
        self._spawn(self.build)
        return True

    def changed(self, paths: Iterable[str]) -> None:
        """Hook for the watcher: relative paths that were added, modified or deleted."""
        batch = sorted(set(paths))
        if batch and self.settings.enabled and self.active:
            self._spawn(self.update, batch)

    def _spawn(self, work: Callable[..., bool], *args: Any) -> None:
        # The thread is started inside the task, so a task cancelled before it runs leaves
        # no never-awaited coroutine behind.
        async def run() -> None:
            kind = work.__name__
            started = time.monotonic()
            try:
                ran = await asyncio.to_thread(work, *args)
            except Exception as error:  # keep the server alive; report in status
                log.exception("index work failed")
                self.status.state, self.status.error = "error", str(error)
                self._count_job(kind, "failed", started)
                return
            if ran:
                self._count_job(kind, "done", started)
        task = asyncio.ensure_future(run())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _count_job(self, kind: str, outcome: str, started: float) -> None:
        """A job this instance ran (a build, or an update that changed the index); the
        log line names the workspace folder, so the instance that ran it can be told."""
        seconds = time.monotonic() - started
        INDEX_JOBS.labels(outcome=outcome).inc()
        INDEX_JOB_DURATION.observe(seconds)
        log.info("index job", kind=kind, outcome=outcome, seconds=round(seconds, 3),
                 workspace=str(self.root))

    # -- work, in a thread: each returns whether it ran to the end (a job to count) --------
    def build(self) -> bool:
        with self._lock:
            if self._stop.is_set():
                return False
            status = self.status
            status.state, status.error, status.started_at = "building", None, time.time()
            result = walk(self.root, self.settings, self.policy)
            states = self.store.file_states()
            listed = {f.path for f in result.files} | {s.path for s in result.skipped}
            deleted = [p for p in states if p not in listed]
            skipped = [s for s in result.skipped
                       if states.get(s.path, FileState(None, 0, 0, "")).status != "skipped"]
            todo = [f for f in result.files if _stale(states.get(f.path), f)]
            status.total = len(result.files)
            status.indexed = status.total - len(todo)
            self.store.write([_skipped(s) for s in skipped], deleted)
            self._progress(force=True)
            size = max(1, self.settings.batch_size)
            for start in range(0, len(todo), size):
                if self._stop.is_set():
                    return False
                self._index_batch(todo[start : start + size], states)
                status.indexed += len(todo[start : start + size])
                self._progress()
            status.state = "ready"
            status.duration = time.time() - status.started_at
            self._finish()
            return True

    def update(self, paths: list[str]) -> bool:
        """Index what changed: re-check each path against the ignore rules and the store."""
        # Rescan when the rules change, on a branch switch, or when a folder appears.
        if (len(paths) > FULL_RESCAN_OVER
                or any(p.rsplit("/", 1)[-1] in IGNORE_FILES for p in paths)
                or any(_is_real_dir(self.root / p) for p in paths)):
            return self.build()
        with self._lock:
            if self._stop.is_set():
                return False
            states = self.store.file_states()
            entries: list[FileEntry] = []
            records: list[FileRecord] = []
            deleted: list[str] = []
            admitted = included(self.root, paths, self.settings, self.policy)
            for path in paths:
                found = (classify(self.root, path, self.settings, self.policy)
                         if path in admitted else None)
                if found is None:
                    if path in states:
                        deleted.append(path)
                    else:  # maybe a folder went away: drop everything under it
                        deleted += [p for p in states if p.startswith(path + "/")]
                elif isinstance(found, Skipped):
                    records.append(_skipped(found))
                elif _stale(states.get(path), found):
                    entries.append(found)
            if deleted or records:
                self.store.write(records, deleted)
            if entries:
                self._index_batch(entries, states)
            if deleted or records or entries:
                self.status.total = self.store.counts().get("indexed", 0) + \
                    self.store.counts().get("error", 0)
                self.status.indexed = self.status.total
                self._finish()
                return True
            return False

    def _index_batch(self, batch: list[FileEntry], states: dict[str, FileState]) -> None:
        records: list[FileRecord] = []
        touched: list[tuple[str, float]] = []
        for entry in batch:
            try:
                data = (self.root / entry.path).read_bytes()
            except OSError as error:
                records.append(FileRecord(entry.path, "", entry.mtime, entry.size, None,
                                          "error", f"unreadable: {error.strerror}"))
                continue
            old = states.get(entry.path)
            if old is not None and old.status == "indexed" and old.hash == content_hash(data):
                touched.append((entry.path, entry.mtime))  # same content, new mtime
                continue
            try:
                records.append(analyze(entry.path, data, entry.mtime, self.settings.chunk_lines))
                self.status.parsed += 1
            except Exception as error:  # a grammar crash must not stop the build
                log.warning("index failed for a file", path=entry.path, error=str(error))
                records.append(FileRecord(entry.path, content_hash(data), entry.mtime,
                                          len(data), None, "error", f"parse failed: {error}"))
        self.store.write(records, touched=touched)

    def _finish(self) -> None:
        self.status.last_update = time.time()
        self.store.set_meta({"last_update": str(self.status.last_update),
                             "duration": str(self.status.duration or 0)})
        self._progress(force=True)
        for listener in self.listeners:
            listener(self.store.generation)

    def _progress(self, force: bool = False) -> None:
        now = time.monotonic()
        if self._notify is None or self._loop is None:
            return
        if not force and now - self._last_notified < 0.25:  # a few events a second at most
            return
        self._last_notified = now
        payload: dict[str, object] = {"indexed": self.status.indexed, "total": self.status.total,
                                      "state": self.status.state}
        asyncio.run_coroutine_threadsafe(self._notify(payload), self._loop)


def _stale(state: FileState | None, entry: FileEntry) -> bool:
    return (state is None or state.status == "skipped" or state.size != entry.size
            or state.mtime != entry.mtime)


def _skipped(skip: Skipped) -> FileRecord:
    return FileRecord(skip.path, "", 0.0, 0, None, "skipped", skip.reason)


def _is_real_dir(path: Path) -> bool:
    return path.is_dir() and not path.is_symlink()
