"""Crash-safe file replacement: temp file in the same directory, fsync, rename, fsync dir.

A reader (or a crash at any instant) sees either the whole old file or the whole new one.
Everything happens relative to an open directory descriptor, so the temp file and the
rename land in the directory that was checked even if its path is swapped meanwhile.
"""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

from pairpad.workspace.temps import STALE_TEMP_SECONDS, new_temp_name, remove_stale_temps

__all__ = [
    "STALE_TEMP_SECONDS",
    "atomic_write",
    "atomic_write_at",
    "fsync_directory",
    "remove_stale_temps",
]

_CREATE_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC | os.O_NOFOLLOW


def atomic_write_at(dir_fd: int, name: str, data: bytes, *, mode: int | None = None) -> None:
    """Replace `name` in the open directory `dir_fd` with `data`.

    `mode` None leaves the new file at the umask default; callers that replace a file
    pass its mode (from the fstat they already have).
    """
    temp = new_temp_name()
    fd = os.open(temp, _CREATE_FLAGS, 0o666, dir_fd=dir_fd)  # the umask applies
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
        # rename(2) replaces whatever entry `name` is (even a link swapped in), never
        # a link's target.
        os.replace(temp, name, src_dir_fd=dir_fd, dst_dir_fd=dir_fd)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp, dir_fd=dir_fd)
        raise
    os.fsync(dir_fd)
    remove_stale_temps(dir_fd)


def atomic_write(target: Path, data: bytes, *, mode: int | None = None) -> None:
    """Path-based form for trusted locations (outside any client-chosen path).

    `mode` None keeps the existing file's mode (or the umask default).
    """
    fd = os.open(target.parent, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        if mode is None:
            with contextlib.suppress(FileNotFoundError):
                mode = stat.S_IMODE(os.stat(target.name, dir_fd=fd).st_mode)
        atomic_write_at(fd, target.name, data, mode=mode)
    finally:
        os.close(fd)


def fsync_directory(directory: Path | int) -> None:
    """Make a rename durable: the directory entry itself must reach the disk."""
    if isinstance(directory, int):
        os.fsync(directory)
        return
    fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
