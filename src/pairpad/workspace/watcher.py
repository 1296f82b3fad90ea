"""Watches the workspace and tells subscribers (the bus: clients, finder, index) in batches.

Changes Pairpad made itself were already published by the file service with their actor;
with its `ledger` (workspace/changes.py) the watcher drops those and reports the rest as
`external` (or, below a directory the service moved, as the service's actor).

watchfiles (Rust `notify`) groups events: a batch is yielded once nothing new happened for
`step` ms, or after `debounce` ms at the latest, so a burst of writes becomes one message.

When watchfiles fails (it raises for a whole batch when one file name is not UTF-8), the
watcher starts again after a backoff, tells its resync listeners that events may have been
lost (the finder drops its cached list), and reports its state in `status()`.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import time
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path

import structlog
from watchfiles import Change, awatch

from pairpad.events.bus import Publish
from pairpad.events.models import FsChanged
from pairpad.workspace.changes import ChangeLedger
from pairpad.workspace.models import ChangeType, FsChange, WatcherStatus
from pairpad.workspace.paths import TEMP_PREFIX
from pairpad.workspace.undecodable import addressable

log = structlog.get_logger("pairpad.watcher")

Subscriber = Callable[[Sequence[FsChange]], Awaitable[None]]
Resync = Callable[[], None]  # events may have been lost: rebuild what depends on them

# Version-control internals: never interesting to the editor.
_IGNORED_DIRS = frozenset({".git", ".hg", ".svn"})
# Bulky tool folders: their own appearance or removal is reported, the churn inside is not
# (an `npm install` would otherwise flood every client with thousands of events).
_QUIET_DIRS = frozenset(
    {
        "node_modules",
        ".venv",
        "__pycache__",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
        ".hypothesis",
        ".tox",
    }
)
_CHANGE_TYPES: dict[Change, ChangeType] = {
    Change.added: "added",
    Change.modified: "modified",
    Change.deleted: "deleted",
}
_STEP_MS = 50
# inotify watches a new directory only after it appears, so files written into it at once
# can go unreported; the watcher lists new directories itself, up to this many entries.
_NEW_DIR_SCAN_LIMIT = 500
# Restart backoff: doubles per failure up to the ceiling; a run that lasted `_HEALTHY_S`
# starts the sequence again (a file that breaks every batch cannot spin the CPU).
BACKOFF_FIRST_S = 0.2
BACKOFF_MAX_S = 30.0
_HEALTHY_S = 60.0


class Watcher:
    def __init__(
        self,
        root: Path,
        *,
        debounce_ms: int,
        subscribers: Sequence[Subscriber] = (),
        backoff_first_s: float = BACKOFF_FIRST_S,
        ledger: ChangeLedger | None = None,
    ) -> None:
        self.root = Path(os.path.realpath(root))
        self.debounce_ms = max(1, debounce_ms)
        self.subscribers = list(subscribers)
        self.resync_listeners: list[Resync] = []
        self.backoff_first_s = backoff_first_s
        self.ledger = ledger
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._status = WatcherStatus(state="stopped", restarts=0, last_error=None)
        self._retry_at: float | None = None

    def subscribe(self, subscriber: Subscriber) -> None:
        self.subscribers.append(subscriber)

    def on_resync(self, listener: Resync) -> None:
        self.resync_listeners.append(listener)

    def status(self) -> WatcherStatus:
        retry_in = None
        if self._retry_at is not None:
            retry_in = round(max(0.0, self._retry_at - time.monotonic()), 2)
        return self._status.model_copy(update={"retry_in": retry_in})

    async def start(self) -> None:
        self._stop = asyncio.Event()
        self._set(state="starting")
        self._task = asyncio.create_task(self._run(), name="pairpad-watcher")

    async def stop(self) -> None:
        if self._task is None:
            return
        # The Rust watcher checks this event every `step` ms; cancelling instead would wait
        # for its thread's 5 s timeout.
        self._stop.set()
        try:
            await asyncio.wait_for(asyncio.shield(self._task), timeout=5)
        except TimeoutError:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        self._task = None
        self._set(state="stopped")

    def relevant(self, change: Change, path: str) -> bool:
        rel = os.path.relpath(path, self.root)
        parts = rel.split(os.sep)
        if rel == "." or parts[0] == "..":  # outside the root; `..notes` is a real name
            return False
        if parts[-1].startswith(TEMP_PREFIX):
            return False
        if _IGNORED_DIRS.intersection(parts):
            return False
        return not _QUIET_DIRS.intersection(parts[:-1])

    async def _run(self) -> None:
        delay = self.backoff_first_s
        while not self._stop.is_set():
            started = time.monotonic()
            try:
                await self._watch()
                break  # stop requested
            except Exception as error:  # the editor keeps working meanwhile
                if time.monotonic() - started >= _HEALTHY_S:
                    delay = self.backoff_first_s
                self._set(
                    state="restarting",
                    restarts=self._status.restarts + 1,
                    last_error=_reason(error),
                )
                log.warning("file watcher failed; restarting", retry_in_s=delay, exc_info=True)
            self._resync()
            self._retry_at = time.monotonic() + delay
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), timeout=delay)
            self._retry_at = None
            delay = min(delay * 2, BACKOFF_MAX_S)
        self._set(state="stopped")

    async def _watch(self) -> None:
        batches = awatch(
            self.root,
            watch_filter=self.relevant,
            debounce=self.debounce_ms,
            step=min(_STEP_MS, self.debounce_ms),
            stop_event=self._stop,
            recursive=True,
            ignore_permission_denied=True,
        )
        self._set(state="running")
        async for batch in batches:
            changes = await asyncio.to_thread(self._attributed, self._to_changes(batch))
            if changes:
                await self._publish(changes)

    def _set(self, **fields: object) -> None:
        self._status = self._status.model_copy(update=fields)

    def _resync(self) -> None:
        for listener in self.resync_listeners:
            try:
                listener()
            except Exception:
                log.exception("watcher resync listener failed")

    def _to_changes(self, batch: set[tuple[Change, str]]) -> list[FsChange]:
        kinds: dict[str, set[ChangeType]] = {}
        for change, path in batch:
            rel = os.path.relpath(path, self.root).replace(os.sep, "/")
            kinds.setdefault(rel, set()).add(_CHANGE_TYPES[change])
        changes = []
        for rel in sorted(kinds):
            seen = kinds[rel]
            if len(seen) == 1:
                kind = next(iter(seen))
            else:
                # Deleted and re-created (or written) within one batch: the outcome is
                # what exists now. (A file replaced by rename — an atomic save — is
                # reported by the OS as "added"; clients treat that like "modified".)
                exists = os.path.lexists(self.root / rel)
                kind = ("modified" if "deleted" in seen else "added") if exists else "deleted"
            changes.append(FsChange(type=kind, path=rel))
        return changes

    def _attributed(self, changes: list[FsChange]) -> list[FsChange]:
        changes = self._with_new_dir_contents(changes)
        return changes if self.ledger is None else self.ledger.attribute(changes)

    def _with_new_dir_contents(self, changes: list[FsChange]) -> list[FsChange]:
        known = {change.path for change in changes}
        found: list[FsChange] = []
        for change in changes:
            if change.type != "added" or not (self.root / change.path).is_dir():
                continue
            for directory, dirs, files in os.walk(self.root / change.path):
                dirs[:] = [d for d in dirs if d not in _IGNORED_DIRS and d not in _QUIET_DIRS]
                dirs[:] = [d for d in dirs if addressable(d)]
                for name in dirs + files:
                    if not addressable(name):
                        continue  # not UTF-8: no JSON, no API path
                    path = os.path.join(directory, name)
                    rel = os.path.relpath(path, self.root).replace(os.sep, "/")
                    if rel not in known and self.relevant(Change.added, path):
                        known.add(rel)
                        found.append(FsChange(type="added", path=rel))
                if len(found) >= _NEW_DIR_SCAN_LIMIT:
                    break
        return sorted(changes + found, key=lambda change: change.path) if found else changes

    async def _publish(self, changes: list[FsChange]) -> None:
        for subscriber in self.subscribers:
            try:
                await subscriber(changes)
            except Exception:
                log.exception("fs change subscriber failed")


def _reason(error: BaseException) -> str:
    """The innermost cause: watchfiles wraps its Rust errors in an ExceptionGroup."""
    while isinstance(error, BaseExceptionGroup) and error.exceptions:
        error = error.exceptions[0]
    return f"{type(error).__name__}: {error}"[:500]


def publish_changes(events: Publish) -> Subscriber:
    """A watcher subscriber that publishes each debounced batch as `FsChanged` on the bus."""

    async def publish(changes: Sequence[FsChange]) -> None:
        await events.publish(FsChanged.model_validate(
            {"changes": [change.model_dump() for change in changes]}))

    return publish
