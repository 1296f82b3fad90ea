"""Who changed the workspace: the file service records its own changes, the watcher asks.

Every write Pairpad makes (a user's save, move, delete or mkdir; next the edit engine's and
an agent's) goes through `FileService`, which publishes `FsChanged` with the change's actor
at once. The watcher sees the same change again a moment later, from the OS. This ledger
tells it which of its changes are Pairpad's own, by file system state rather than by time:

- a path the service wrote or created is Pairpad's while its `lstat` still matches the one
  recorded right after the write (same inode, size and mtime) — an editor saving it again
  afterwards makes it `external`;
- a path the service deleted or moved away is Pairpad's while it is still absent, and so is
  everything below it;
- below a directory the service moved in place, an entry whose inode was in the directory
  at the move came along with it (the service lists up to `_MAX_MOVED_ENTRIES` of them).

The watcher drops a change whose exact path the service already published, and attributes
a descendant it reports (the service published only the directory) to the service's actor.
Anything else is `external`. The ledger is bounded: the oldest records go first.
"""

from __future__ import annotations

import os
import stat
import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from pairpad.events.models import EXTERNAL_ACTOR, FsChangeEntry

_MAX_RECORDS = 4096
_MAX_MOVED_ENTRIES = 5000


@dataclass(frozen=True)
class _Record:
    actor: str
    # (dev, ino, size, mtime_ns) of what the service left; None: it left nothing there.
    signature: tuple[int, int, int, int] | None
    # A directory moved here: the (dev, ino) of the entries that came along with it.
    moved_inodes: frozenset[tuple[int, int]]


def _lstat(path: Path) -> os.stat_result | None:
    try:
        return os.lstat(path)
    except OSError:
        return None


def _signature(info: os.stat_result) -> tuple[int, int, int, int]:
    size = 0 if stat.S_ISDIR(info.st_mode) else info.st_size
    mtime = 0 if stat.S_ISDIR(info.st_mode) else info.st_mtime_ns
    return (info.st_dev, info.st_ino, size, mtime)


class ChangeLedger:
    """The recent changes Pairpad made, keyed by workspace-relative path (thread-safe)."""

    def __init__(self, root: Path, max_records: int = _MAX_RECORDS) -> None:
        self.root = Path(os.path.realpath(root))
        self._records: OrderedDict[str, _Record] = OrderedDict()
        self._lock = threading.Lock()
        self._max = max_records

    def record(self, rel: str, actor: str, *, moved_here: bool = False) -> None:
        """Note what is at `rel` now (or that nothing is) as `actor`'s doing; `moved_here`:
        the target of a move, whose children came with it. Blocking (one `lstat`): call it
        from the worker thread that made the change."""
        info = _lstat(self.root / rel)
        record = _Record(
            actor=actor,
            signature=None if info is None else _signature(info),
            moved_inodes=(_inodes_below(self.root / rel)
                          if moved_here and info is not None and stat.S_ISDIR(info.st_mode)
                          else frozenset()),
        )
        with self._lock:
            self._records.pop(rel, None)
            self._records[rel] = record
            while len(self._records) > self._max:
                self._records.popitem(last=False)

    def attribute(self, changes: Iterable[FsChangeEntry]) -> list[FsChangeEntry]:
        """The watcher's changes minus those already published, each with its actor.
        Blocking (`lstat`s): call it from a worker thread."""
        result: list[FsChangeEntry] = []
        for change in changes:
            actor = self._actor_of(change.path)
            if actor is None:
                continue  # the file service published this very change
            result.append(change.model_copy(update={"actor": actor}))
        return result

    def _actor_of(self, rel: str) -> str | None:
        with self._lock:
            own = self._records.get(rel)
            ancestors = [(parent, self._records.get(parent)) for parent in _parents(rel)]
        info = _lstat(self.root / rel)
        if own is not None:
            now = None if info is None else _signature(info)
            if now == own.signature:
                return None
        for _parent, record in ancestors:  # nearest first
            if record is None:
                continue
            if record.signature is None and info is None:
                return record.actor  # removed with its (deleted or moved-away) ancestor
            if info is not None and (info.st_dev, info.st_ino) in record.moved_inodes:
                return record.actor  # moved in with its directory
        return EXTERNAL_ACTOR


def _parents(rel: str) -> list[str]:
    parts = rel.split("/")
    return ["/".join(parts[:i]) for i in range(len(parts) - 1, 0, -1)]


def _inodes_below(directory: Path) -> frozenset[tuple[int, int]]:
    found: set[tuple[int, int]] = set()
    for folder, dirs, files in os.walk(directory):  # never follows links
        for name in dirs + files:
            info = _lstat(Path(folder) / name)
            if info is not None:
                found.add((info.st_dev, info.st_ino))
            if len(found) >= _MAX_MOVED_ENTRIES:
                return frozenset(found)
    return frozenset(found)
