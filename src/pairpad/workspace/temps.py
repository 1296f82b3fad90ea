"""Temp files of atomic saves: their names, and sweeping the ones a crash left behind.

A save writes `.pairpad-tmp-<16 hex>.tmp` next to its target and renames it over the
target; a kill in between leaves the temp on disk (and in `git status`). Only names of
exactly that form are ours to delete, and only once they are older than any live save
can be (`STALE_TEMP_SECONDS`): a save in flight keeps its temp young while it writes.
`TempSweeper` walks the workspace in the background at start-up and then on a timer.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import secrets
import stat
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import structlog

from pairpad.workspace.dirfd import DIR_FLAGS, open_root
from pairpad.workspace.paths import TEMP_PREFIX

TEMP_SUFFIX = ".tmp"  # many global gitignores already skip *.tmp
STALE_TEMP_SECONDS = 600
SWEEP_INTERVAL_SECONDS = 1800
# Folders nobody edits in Pairpad and that can hold 100k entries: not walked by the sweep
# (a save there still sweeps its own folder).
SKIPPED_DIRS = frozenset(
    {
        ".git",
        "node_modules",
        ".venv",
        "venv",
        "__pycache__",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
        ".tox",
        ".nox",
        ".gradle",
        ".next",
        ".cache",
        "target",
    }
)
MAX_SWEEP_DIRS = 50_000
MAX_SWEEP_DEPTH = 64  # also bounds the descriptors held open at once

# Also matches the suffix-less names of earlier versions.
_TEMP_NAME = re.compile(re.escape(TEMP_PREFIX) + r"[0-9a-f]{16}(?:" + re.escape(TEMP_SUFFIX) + ")?")

log = structlog.get_logger("pairpad.workspace.temps")


def new_temp_name() -> str:
    return f"{TEMP_PREFIX}{secrets.token_hex(8)}{TEMP_SUFFIX}"


def is_temp_name(name: str) -> bool:
    return _TEMP_NAME.fullmatch(name) is not None


def remove_stale_temps(directory: Path | int, *, older_than: float = STALE_TEMP_SECONDS) -> int:
    """Delete our stale temp files in one directory (a path or an open descriptor)."""
    try:
        fd = (
            os.dup(directory)
            if isinstance(directory, int)
            else os.open(directory, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        )
    except OSError:
        return 0
    try:
        with os.scandir(fd) as entries:
            names = [entry.name for entry in entries if is_temp_name(entry.name)]
        return _remove_stale(fd, names, time.time() - older_than)[0]
    except OSError:
        return 0
    finally:
        os.close(fd)


def _remove_stale(dir_fd: int, names: list[str], cutoff: float) -> tuple[int, float | None]:
    """Remove the stale ones; also return the mtime of the oldest young temp kept, if any."""
    removed, youngest_kept = 0, None
    for name in names:
        if not is_temp_name(name):
            continue
        with contextlib.suppress(OSError):
            info = os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
            if not stat.S_ISREG(info.st_mode):
                continue
            if info.st_mtime < cutoff:
                os.unlink(name, dir_fd=dir_fd)
                removed += 1
            elif youngest_kept is None or info.st_mtime < youngest_kept:
                youngest_kept = info.st_mtime
    return removed, youngest_kept


@dataclass(frozen=True)
class SweepResult:
    removed: int
    pending_since: float | None  # mtime of the oldest temp kept because it may be live


def sweep_workspace(
    root: Path, *, older_than: float = STALE_TEMP_SECONDS, max_dirs: int = MAX_SWEEP_DIRS
) -> SweepResult:
    """Walk the workspace once (links not followed, heavy folders skipped, bounded)."""
    cutoff = time.time() - older_than
    removed, pending = 0, None
    for visited, (dir_fd, temps) in enumerate(_directories(root)):
        if visited >= max_dirs:
            break
        count, kept = _remove_stale(dir_fd, temps, cutoff)
        removed += count
        if kept is not None and (pending is None or kept < pending):
            pending = kept
    return SweepResult(removed, pending)


def _directories(root: Path) -> Iterator[tuple[int, list[str]]]:
    """Depth-first, iteratively: (directory fd, its temp-looking file names).

    Each directory is opened from its parent's descriptor with O_NOFOLLOW, so a folder
    swapped for a link mid-walk cannot lead the sweep outside the workspace.
    """
    stack: list[tuple[int, Iterator[str]]] = []
    current: int | None = open_root(str(root))
    try:
        while True:
            if current is not None:
                fd, current = current, None
                stack.append((fd, iter(())))  # owned by the stack from here on
                subdirs, temps = _scan(fd)
                yield fd, temps
                if len(stack) <= MAX_SWEEP_DEPTH:
                    stack[-1] = (fd, iter(subdirs))
            if not stack:
                return
            parent, pending = stack[-1]
            name = next(pending, None)
            if name is None:
                stack.pop()
                os.close(parent)
                continue
            with contextlib.suppress(OSError):  # vanished, swapped or unreadable: skip it
                current = os.open(name, DIR_FLAGS, dir_fd=parent)
    finally:
        for fd, _ in stack:
            os.close(fd)
        if current is not None:
            os.close(current)


def _scan(dir_fd: int) -> tuple[list[str], list[str]]:
    subdirs: list[str] = []
    temps: list[str] = []
    with contextlib.suppress(OSError), os.scandir(dir_fd) as entries:
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                if entry.name not in SKIPPED_DIRS:
                    subdirs.append(entry.name)
            elif is_temp_name(entry.name):
                temps.append(entry.name)
    return subdirs, temps


class TempSweeper:
    """Background component: sweep at start-up, then every `interval` seconds, and again
    as soon as a young temp seen by the last sweep would be stale."""

    def __init__(
        self,
        root: Path,
        *,
        interval: float = SWEEP_INTERVAL_SECONDS,
        older_than: float = STALE_TEMP_SECONDS,
    ) -> None:
        self.root = root
        self.interval = interval
        self.older_than = older_than
        self.removed = 0
        self.sweeps = 0
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="temp-sweeper")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        while True:
            delay = self.interval
            try:
                result = await asyncio.to_thread(
                    sweep_workspace, self.root, older_than=self.older_than
                )
            except OSError as error:
                log.warning("temp sweep failed", error=str(error))
            else:
                self.sweeps += 1
                self.removed += result.removed
                if result.removed:
                    log.info("removed temp files left by interrupted saves", count=result.removed)
                if result.pending_since is not None:
                    due = result.pending_since + self.older_than - time.time() + 1
                    delay = min(delay, max(due, 1.0))
            await asyncio.sleep(delay)
