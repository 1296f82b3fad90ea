"""Crash-safe file replacement: temp file in the same directory, fsync, rename, fsync dir.

A reader (or a crash at any instant) sees either the whole old file or the whole new one.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
import time
from pathlib import Path

from pairpad.workspace.paths import TEMP_PREFIX

# A temp file this old was left by a crash (a live save takes milliseconds).
STALE_TEMP_SECONDS = 600


def atomic_write(target: Path, data: bytes, *, mode: int | None = None) -> None:
    """Replace `target` with `data`. `mode` None keeps the existing file's mode (or umask)."""
    directory = target.parent
    if mode is None:
        try:
            mode = stat.S_IMODE(os.stat(target).st_mode)
        except FileNotFoundError:
            mode = None
    temp = directory / f"{TEMP_PREFIX}{secrets.token_hex(8)}"
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(temp, flags, 0o666)  # the umask applies, as for any new file
    try:
        try:
            if mode is not None:
                os.fchmod(fd, mode)
            view = memoryview(data)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    fsync_directory(directory)
    remove_stale_temps(directory)


def remove_stale_temps(directory: Path, *, older_than: float = STALE_TEMP_SECONDS) -> int:
    """Delete temp files that crashed saves left in `directory`; returns how many."""
    cutoff = time.time() - older_than
    removed = 0
    try:
        with os.scandir(directory) as entries:
            for entry in entries:
                if not entry.name.startswith(TEMP_PREFIX):
                    continue
                with contextlib.suppress(OSError):
                    if entry.stat(follow_symlinks=False).st_mtime < cutoff:
                        os.unlink(entry.path)
                        removed += 1
    except OSError:
        pass
    return removed


def fsync_directory(directory: Path) -> None:
    """Make a rename durable: the directory entry itself must reach the disk."""
    fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
