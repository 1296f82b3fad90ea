"""Work below the workspace root through directory descriptors, never following a link.

A path checked with `realpath` can change before it is used: a directory swapped for a
symlink to `/home/me/.ssh` would redirect a save. So every operation opens the resolved,
link-free components one by one from the root's descriptor with `O_NOFOLLOW|O_DIRECTORY`
and then acts with `dir_fd=`. A component that is a symlink at that moment is refused
(403), never followed.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import threading
import weakref
from collections.abc import Iterator, Sequence
from typing import NoReturn

from pairpad.errors import Forbidden

DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
# O_NONBLOCK: a FIFO cannot hang the reader; O_NOCTTY: a tty never becomes ours.
READ_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC


def open_root(root: str) -> int:
    """The workspace root itself is trusted (it was resolved when the server started)."""
    return os.open(root, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)


class RootDir:
    """The workspace root's descriptor, opened once and handed out as duplicates.

    Opening the root for every request cost a path lookup and, worse, two inotify events
    (open, close) that wake the file watcher's thread: about a third of its per-request
    work. A `dup` of a held descriptor raises no event. Before each use the root path is
    checked (`lstat`, no event) to still name the held directory, and the held directory
    to still exist (`fstat`): a root removed, renamed away or replaced (even by a new
    directory that reused the inode number) is reopened, so the service follows the path
    as it did when it opened it every time. A root replaced by a symbolic link is refused
    (the start-up resolution made it link-free), never followed.

    Components below the root are still opened one by one from it with O_NOFOLLOW.
    """

    def __init__(self, path: str) -> None:
        self.path = path
        self._fd = -1
        self._identity: tuple[int, int] | None = None
        self._lock = threading.Lock()  # worker threads and the event loop share it
        self._close: weakref.finalize[[int], RootDir] | None = None

    def open(self) -> int:
        """A new descriptor of the root (the caller closes it)."""
        info = os.stat(self.path, follow_symlinks=False)  # FileNotFoundError: root gone
        with self._lock:
            if (info.st_dev, info.st_ino) != self._identity or os.fstat(self._fd).st_nlink == 0:
                self._reopen(info)
            return os.dup(self._fd)

    def _reopen(self, info: os.stat_result) -> None:
        if stat.S_ISLNK(info.st_mode):
            raise Forbidden(
                f"The workspace root {self.path} was replaced by a symbolic link; "
                "restart Pairpad on the folder you mean to open"
            )
        fd = os.open(self.path, DIR_FLAGS)
        opened = os.fstat(fd)
        self.close()
        self._fd, self._identity = fd, (opened.st_dev, opened.st_ino)
        self._close = weakref.finalize(self, os.close, fd)

    def close(self) -> None:
        if self._close is not None:
            self._close()  # closes the held descriptor once
            self._close = None
        self._fd, self._identity = -1, None


def refuse_link(dir_fd: int, name: str, shown: str, error: OSError) -> NoReturn:
    """Re-raise `error` from opening `name` as a Forbidden if `name` is now a symlink.

    Open with O_NOFOLLOW reports a link as ELOOP (a file) or ENOTDIR (with O_DIRECTORY,
    like a plain file in a directory's place), so only an lstat tells them apart.
    """
    if error.errno in (errno.ELOOP, errno.ENOTDIR):
        with contextlib.suppress(OSError):
            if stat.S_ISLNK(os.stat(name, dir_fd=dir_fd, follow_symlinks=False).st_mode):
                raise Forbidden(
                    f"Path refused: {name!r} in {shown!r} is a symbolic link at the moment of "
                    "the change (it was swapped after the path was checked); links are never "
                    "followed mid-operation. Reload the folder and try again."
                ) from None
    raise error


def open_dir_at(dir_fd: int, name: str, shown: str) -> int:
    try:
        return os.open(name, DIR_FLAGS, dir_fd=dir_fd)
    except OSError as error:
        refuse_link(dir_fd, name, shown, error)


def open_file_at(dir_fd: int, name: str, shown: str) -> int:
    try:
        return os.open(name, READ_FLAGS, dir_fd=dir_fd)
    except OSError as error:
        refuse_link(dir_fd, name, shown, error)


def _open_root(root: str | RootDir) -> int:
    return root.open() if isinstance(root, RootDir) else open_root(root)


def walk(
    root: str | RootDir, parts: Sequence[str], shown: str, *, create: bool = False
) -> int:
    """Open root/parts as a directory, one component at a time; the caller closes it.

    With `create`, missing components are made (iteratively, so depth cannot overflow
    the stack) and each new entry's directory is fsynced.
    """
    fd = _open_root(root)
    try:
        for part in parts:
            try:
                child = open_dir_at(fd, part, shown)
            except FileNotFoundError:
                if not create:
                    raise
                with contextlib.suppress(FileExistsError):  # a concurrent mkdir won
                    os.mkdir(part, dir_fd=fd)
                    os.fsync(fd)
                child = open_dir_at(fd, part, shown)
            os.close(fd)
            fd = child
    except BaseException:
        os.close(fd)
        raise
    return fd


def open_file_no_links(root: str | RootDir, parts: Sequence[str]) -> int | None:
    """Open root/parts for reading if no component is a symlink, else None.

    The fast path for the common case: without links the logical path is the real one,
    so no realpath (an lstat per component) is needed. None also when a non-directory
    sits mid-path; the caller then resolves the path and reports precisely.
    """
    fd = _open_root(root)
    try:
        for part in parts[:-1]:
            child = os.open(part, DIR_FLAGS, dir_fd=fd)
            os.close(fd)
            fd = child
        return os.open(parts[-1], READ_FLAGS, dir_fd=fd)
    except OSError as error:
        if error.errno in (errno.ELOOP, errno.ENOTDIR):
            return None
        raise
    finally:
        os.close(fd)


@contextlib.contextmanager
def opened_dir(
    root: str | RootDir, parts: Sequence[str], shown: str, *, create: bool = False
) -> Iterator[int]:
    fd = walk(root, parts, shown, create=create)
    try:
        yield fd
    finally:
        os.close(fd)


def fd_path(dir_fd: int, name: str, fallback: str) -> str:
    """A path that reaches `name` through the opened directory (Linux's /proc magic links),
    for the few library calls that take no dir_fd; elsewhere the resolved path."""
    proc = f"/proc/self/fd/{dir_fd}"
    return f"{proc}/{name}" if os.path.isdir(proc) else fallback
