"""The workspace file service: list, read, save (atomic, etag-checked), create, move, delete.

Blocking work runs in a worker thread; saves, moves and deletes of one path are serialised
by a per-path asyncio lock so an etag check and its write cannot interleave with another
request's.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import os
import shutil
import stat
import weakref
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

from pairpad.errors import (
    BadRequest,
    Conflict,
    Forbidden,
    InsufficientStorage,
    InternalError,
    NotFound,
    TooLarge,
    UnsupportedMedia,
)
from pairpad.workspace.atomic import atomic_write, fsync_directory
from pairpad.workspace.ignore import IgnoreRules
from pairpad.workspace.models import (
    FileContent,
    MoveResult,
    PathResult,
    SaveRequest,
    TreeEntry,
    TreeListing,
)
from pairpad.workspace.paths import TEMP_PREFIX, Resolved, WorkspacePaths
from pairpad.workspace.text import (
    DecodedText,
    clean_etag,
    decode,
    detect_eol,
    encode,
    etag_of,
    language_of,
    with_eol,
)

HIDDEN_NAMES = frozenset({".git"})
_IgnoreCheck = Callable[[str, bool], bool]


class FileService:
    def __init__(self, root: Path, max_file_size: int) -> None:
        self.paths = WorkspacePaths(root)
        self.ignores = IgnoreRules(self.paths.root)
        self.max_file_size = max_file_size
        self._locks: weakref.WeakValueDictionary[str, asyncio.Lock] = weakref.WeakValueDictionary()

    # ---- public, async -------------------------------------------------------------

    async def tree(self, raw: str = "") -> TreeListing:
        return await asyncio.to_thread(self._tree, raw)

    async def read(self, raw: str) -> FileContent:
        return await asyncio.to_thread(self._read, raw)

    async def write(self, raw: str, request: SaveRequest) -> tuple[FileContent, bool]:
        """Save; returns the new state and whether the file was created."""
        target = await asyncio.to_thread(self.paths.resolve, raw)
        async with self._locked(target.path):
            return await asyncio.to_thread(self._write, target, request)

    async def move(self, source_raw: str, target_raw: str) -> MoveResult:
        source = await asyncio.to_thread(self._mutable_entry, source_raw, "move")
        target = await asyncio.to_thread(self._mutable_entry, target_raw, "move onto")
        async with self._locked(source.path, target.path):
            await asyncio.to_thread(self._move, source, target)
        return MoveResult(source=source.rel, target=target.rel)

    async def delete(self, raw: str) -> PathResult:
        entry = await asyncio.to_thread(self._mutable_entry, raw, "delete")
        async with self._locked(entry.path):
            await asyncio.to_thread(self._delete, entry)
        return PathResult(path=entry.rel)

    async def mkdir(self, raw: str) -> PathResult:
        entry = await asyncio.to_thread(self._mutable_entry, raw, "create")
        async with self._locked(entry.path):
            await asyncio.to_thread(self._mkdir, entry)
        return PathResult(path=entry.rel)

    # ---- locking -------------------------------------------------------------------

    @contextlib.asynccontextmanager
    async def _locked(self, *paths: Path) -> AsyncIterator[None]:
        # Sorted, de-duplicated acquisition: two moves over the same pair cannot deadlock.
        keys = sorted({str(path) for path in paths})
        locks = [self._lock_for(key) for key in keys]
        async with contextlib.AsyncExitStack() as stack:
            for lock in locks:
                await stack.enter_async_context(lock)
            yield

    def _lock_for(self, key: str) -> asyncio.Lock:
        lock = self._locks.get(key)
        if lock is None:
            lock = asyncio.Lock()
            self._locks[key] = lock
        return lock

    # ---- blocking implementations (worker thread) ----------------------------------

    def _tree(self, raw: str) -> TreeListing:
        directory = self.paths.resolve(raw)
        with _os_errors(directory.rel):
            if not directory.path.is_dir():
                if os.path.lexists(directory.path):
                    raise BadRequest(f"Not a directory: {directory.rel}")
                raise NotFound(f"Not found: {directory.rel}")
            ignores = self.ignores.for_directory(directory.rel)
            entries: list[tuple[tuple[int, str, str], TreeEntry]] = []
            with os.scandir(directory.path) as scan:
                for item in scan:
                    if item.name in HIDDEN_NAMES or item.name.startswith(TEMP_PREFIX):
                        continue
                    entry = self._tree_entry(directory.rel, item, ignores.is_ignored)
                    if entry is None:
                        continue
                    dir_like = entry.type == "dir" or entry.target_type == "dir"
                    entries.append(
                        ((0 if dir_like else 1, entry.name.casefold(), entry.name), entry)
                    )
        entries.sort(key=lambda pair: pair[0])
        return TreeListing(path=directory.rel, entries=[entry for _, entry in entries])

    def _tree_entry(
        self, parent_rel: str, item: os.DirEntry[str], is_ignored: _IgnoreCheck
    ) -> TreeEntry | None:
        try:
            info = item.stat(follow_symlinks=False)
        except OSError:
            return None  # vanished while listing
        rel = f"{parent_rel}/{item.name}" if parent_rel else item.name
        target_type = None
        if stat.S_ISLNK(info.st_mode):
            kind = "symlink"
            target_type = self._link_target(item.path)
        elif stat.S_ISDIR(info.st_mode):
            kind = "dir"
        else:
            kind = "file"
        return TreeEntry(
            name=item.name,
            path=rel,
            type=kind,
            size=0 if kind == "dir" else info.st_size,
            mtime=info.st_mtime,
            ignored=is_ignored(item.name, kind == "dir"),
            target_type=target_type,
        )

    def _link_target(self, link: str) -> str | None:
        real = os.path.realpath(link)
        if not self.paths.contains(real):
            return None
        if os.path.isdir(real):
            return "dir"
        if os.path.isfile(real):
            return "file"
        return None

    def _read(self, raw: str) -> FileContent:
        target = self.paths.resolve(raw)
        with _os_errors(target.rel):
            self._check_regular(target, os.stat(target.path))
            data = self._read_bytes(target.path)
        return self._content(target.rel, data, decode(data))

    def _write(self, target: Resolved, request: SaveRequest) -> tuple[FileContent, bool]:
        if target.is_root:
            raise BadRequest("The workspace root is a directory, not a file")
        self._refuse_git_internals(target, "write")
        with _os_errors(target.rel):
            try:
                info: os.stat_result | None = os.stat(target.path)
            except FileNotFoundError:
                info = None
            current = None
            if info is not None and request.etag is None and not stat.S_ISREG(info.st_mode):
                raise Conflict(f"Already exists: {target.rel}", current_etag=None)
            if info is not None:
                self._check_regular(target, info)
                current = self._read_bytes(target.path)
            old = self._check_etag(target, request.etag, current)
            text = request.content
            if "\x00" in text:
                raise BadRequest("Text with NUL characters cannot be saved (it reads as binary)")
            encoding = request.encoding or (old.encoding if old else "utf-8")
            if request.eol is not None:
                text = with_eol(text, request.eol)
            elif old is not None and old.has_newlines:
                text = with_eol(text, old.eol)
            data = encode(text, encoding)
            if len(data) > self.max_file_size:
                raise TooLarge(f"The text is {len(data)} bytes; the limit is {self.max_file_size}")
            atomic_write(target.path, data)
        eol, has_newlines = detect_eol(text)
        if not has_newlines:
            eol = request.eol or (old.eol if old else "lf")
        saved = DecodedText(text, encoding, eol, has_newlines)
        return self._content(target.rel, data, saved), current is None

    def _check_etag(
        self, target: Resolved, etag: str | None, current: bytes | None
    ) -> DecodedText | None:
        """Compare the client's etag with the bytes on disk; return the old text if any."""
        if etag is None:
            if current is not None or os.path.lexists(target.path):
                raise Conflict(
                    f"Already exists: {target.rel}",
                    current_etag=etag_of(current) if current is not None else None,
                )
            if not target.path.parent.is_dir():
                raise NotFound(f"The folder of {target.rel} does not exist; create it first")
            return None
        if current is None:
            raise Conflict(f"{target.rel} was deleted on disk", current_etag=None)
        current_etag = etag_of(current)
        if clean_etag(etag) != current_etag:
            raise Conflict(
                f"{target.rel} changed on disk since it was read", current_etag=current_etag
            )
        try:
            return decode(current)
        except UnsupportedMedia:  # a binary file is overwritten as new text
            return None

    def _move(self, source: Resolved, target: Resolved) -> None:
        with _os_errors(source.rel):
            if not os.path.lexists(source.path):
                raise NotFound(f"Not found: {source.rel}")
            if os.path.lexists(target.path):
                raise Conflict(f"Already exists: {target.rel}")
            if not target.path.parent.is_dir():
                raise NotFound(f"The folder of {target.rel} does not exist")
            if _is_within(target.path, source.path):
                raise BadRequest(f"Cannot move {source.rel} into itself")
            try:
                os.rename(source.path, target.path)
            except OSError as error:
                if error.errno != errno.EXDEV:
                    raise
                shutil.move(source.path, target.path)  # another file system: copy + delete
            fsync_directory(source.path.parent)
            if target.path.parent != source.path.parent:
                fsync_directory(target.path.parent)

    def _delete(self, entry: Resolved) -> None:
        with _os_errors(entry.rel):
            try:
                info = os.lstat(entry.path)
            except FileNotFoundError:
                raise NotFound(f"Not found: {entry.rel}") from None
            if stat.S_ISDIR(info.st_mode):
                shutil.rmtree(entry.path)  # fd-based on Linux: never follows links inside
            else:
                os.unlink(entry.path)  # a symlink is removed, never its target
            fsync_directory(entry.path.parent)

    def _mkdir(self, entry: Resolved) -> None:
        with _os_errors(entry.rel):
            if os.path.lexists(entry.path):
                raise Conflict(f"Already exists: {entry.rel}")
            os.makedirs(entry.path)
            fsync_directory(entry.path.parent)

    # ---- helpers -------------------------------------------------------------------

    def _mutable_entry(self, raw: str, action: str) -> Resolved:
        entry = self.paths.entry(raw)
        if entry.is_root:
            raise Forbidden(f"Refusing to {action} the workspace root")
        self._refuse_git_internals(entry, action)
        return entry

    def _refuse_git_internals(self, resolved: Resolved, action: str) -> None:
        # Hooks and config in .git run code; the editor and the agent never write there.
        # Both the path as given and where it really leads count: a committed link
        # `cfg -> .git/config` must not open a way in.
        real_rel = self.paths.relative(resolved.path)
        if ".git" in resolved.rel.split("/") or ".git" in real_rel.split("/"):
            raise Forbidden(f"Refusing to {action} inside .git: it is managed by git")

    def _check_regular(self, target: Resolved, info: os.stat_result) -> None:
        if stat.S_ISDIR(info.st_mode):
            raise BadRequest(f"Is a directory: {target.rel or '/'}")
        if not stat.S_ISREG(info.st_mode):
            raise BadRequest(f"Not a regular file: {target.rel}")
        if info.st_size > self.max_file_size:
            raise TooLarge(
                f"{target.rel} is {info.st_size} bytes; the limit is {self.max_file_size}"
            )

    def _read_bytes(self, path: Path) -> bytes:
        # O_NOFOLLOW: the path was resolved, so a link here means it was swapped meanwhile;
        # O_NONBLOCK: a FIFO swapped in cannot hang the worker.
        flags = os.O_RDONLY | os.O_CLOEXEC | os.O_NOFOLLOW | os.O_NONBLOCK
        fd = os.open(path, flags)
        with os.fdopen(fd, "rb") as handle:
            data = handle.read(self.max_file_size + 1)
        if len(data) > self.max_file_size:
            raise TooLarge(f"The file is larger than the limit of {self.max_file_size} bytes")
        return data

    def _content(self, rel: str, data: bytes, text: DecodedText) -> FileContent:
        return FileContent(
            path=rel,
            content=text.content,
            etag=etag_of(data),
            encoding=text.encoding,
            eol=text.eol,
            language=language_of(rel),
            size=len(data),
        )




def _is_within(path: Path, ancestor: Path) -> bool:
    return os.path.commonpath([str(path), str(ancestor)]) == str(ancestor)


@contextlib.contextmanager
def _os_errors(rel: str) -> Iterator[None]:
    """Map file-system errors to domain errors, so no OSError becomes a 500."""
    shown = rel or "/"
    try:
        yield
    except (FileNotFoundError, NotADirectoryError):
        raise NotFound(f"Not found: {shown}") from None
    except IsADirectoryError:
        raise BadRequest(f"Is a directory: {shown}") from None
    except FileExistsError:
        raise Conflict(f"Already exists: {shown}") from None
    except PermissionError:
        raise Forbidden(f"Permission denied: {shown}") from None
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise Forbidden(f"Path refused: {shown} is a symlink loop") from None
        if error.errno == errno.ENAMETOOLONG:
            raise BadRequest(f"Path too long: {shown}") from None
        if error.errno == errno.ENOTEMPTY:
            raise Conflict(f"Not empty: {shown}") from None
        if error.errno in (errno.ENOSPC, errno.EDQUOT):
            raise InsufficientStorage(f"Not enough disk space to save {shown}") from None
        if error.errno == errno.EROFS:
            raise Forbidden(f"Read-only file system: cannot change {shown}") from None
        raise InternalError(f"{shown}: {error.strerror or error}") from None
