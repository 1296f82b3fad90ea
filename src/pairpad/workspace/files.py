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
from pairpad.events.bus import Publish
from pairpad.events.models import USER_ACTOR, FsChanged
from pairpad.workspace.atomic import atomic_write_at, fsync_directory
from pairpad.workspace.changes import ChangeLedger
from pairpad.workspace.dirfd import (
    RootDir,
    fd_path,
    open_file_at,
    open_file_no_links,
    opened_dir,
    walk,
)
from pairpad.workspace.models import (
    ChangeType,
    FileContent,
    FsChange,
    MoveResult,
    PathResult,
    SaveRequest,
    TreeEntry,
    TreeListing,
)
from pairpad.workspace.names import is_git_dir_name
from pairpad.workspace.paths import Resolved, WorkspacePaths, normalise
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
from pairpad.workspace.undecodable import addressable
from pairpad.workspace.visibility import VisibilityPolicy

# Files up to this size are read on the event loop (no thread hop); larger in a worker.
INLINE_READ_BYTES = 64 * 1024
_IgnoreCheck = Callable[[str, bool], bool]


class FileService:
    """The one mutation path: every write to the workspace (a user's save, move, delete or
    mkdir; next the edit engine's and an agent's) goes through these methods, which take
    the `actor` (`user`, `agent:<run_id>`) and publish `FsChanged` on the bus once done;
    caches (finder, codebase index) and clients subscribe to that. `changes` records them,
    so the watcher reports as `external` only what Pairpad did not do."""

    def __init__(
        self,
        root: Path,
        max_file_size: int,
        visibility: VisibilityPolicy | None = None,
        events: Publish | None = None,
    ) -> None:
        self.paths = WorkspacePaths(root)
        self._root = RootDir(str(self.paths.root))  # held open; see RootDir
        self.visibility = visibility or VisibilityPolicy(self.paths.root)
        self.ignores = self.visibility.ignores
        self.max_file_size = max_file_size
        self.events = events
        self.changes = ChangeLedger(self.paths.root)
        self._locks: weakref.WeakValueDictionary[str, asyncio.Lock] = weakref.WeakValueDictionary()

    # ---- public, async -------------------------------------------------------------

    async def tree(self, raw: str = "") -> TreeListing:
        return await asyncio.to_thread(self._tree, raw)

    async def read(self, raw: str) -> FileContent:
        """Small files are read right here on the event loop: a few syscalls cost less
        than the thread hop. Larger ones (by the one fstat) are read in a worker."""
        rel, fd = self._open_for_read(raw)
        try:
            with _os_errors(rel):
                info = os.fstat(fd)
                self._check_regular(rel, info)
                small = info.st_size <= INLINE_READ_BYTES
                data = _read_upto(fd, INLINE_READ_BYTES) if small else b""
        finally:
            os.close(fd)
        if small and len(data) <= min(INLINE_READ_BYTES, self.max_file_size):
            return self._content(rel, data, decode(data))
        # Large (or it grew after the fstat): a worker reads it, from a fresh open.
        return await asyncio.to_thread(self._read, raw)

    async def write(
        self, raw: str, request: SaveRequest, actor: str = USER_ACTOR
    ) -> tuple[FileContent, bool]:
        """Save; returns the new state and whether the file was created."""
        target = await asyncio.to_thread(self.paths.resolve, raw)
        async with self._locked(target.path):
            saved, created = await asyncio.to_thread(self._write_recorded, target, request, actor)
        await self._changed(actor, ("added" if created else "modified", target.rel))
        return saved, created

    async def move(self, source_raw: str, target_raw: str, actor: str = USER_ACTOR) -> MoveResult:
        source = await asyncio.to_thread(self._mutable_entry, source_raw, "move")
        target = await asyncio.to_thread(self._mutable_entry, target_raw, "move onto")
        async with self._locked(source.path, target.path):
            await asyncio.to_thread(self._move_recorded, source, target, actor)
        await self._changed(actor, ("deleted", source.rel), ("added", target.rel))
        return MoveResult(source=source.rel, target=target.rel)

    async def delete(self, raw: str, actor: str = USER_ACTOR) -> PathResult:
        entry = await asyncio.to_thread(self._mutable_entry, raw, "delete")
        async with self._locked(entry.path):
            await asyncio.to_thread(self._delete_recorded, entry, actor)
        await self._changed(actor, ("deleted", entry.rel))
        return PathResult(path=entry.rel)

    async def mkdir(self, raw: str, actor: str = USER_ACTOR) -> PathResult:
        entry = await asyncio.to_thread(self._mutable_entry, raw, "create")
        async with self._locked(entry.path):
            created = await asyncio.to_thread(self._mkdir_recorded, entry, actor)
        await self._changed(actor, *(("added", rel) for rel in created))
        return PathResult(path=entry.rel)

    # ---- the change record and event (see workspace/changes.py) --------------------

    def _write_recorded(
        self, target: Resolved, request: SaveRequest, actor: str
    ) -> tuple[FileContent, bool]:
        result = self._write(target, request)
        self.changes.record(target.rel, actor)
        return result

    def _move_recorded(self, source: Resolved, target: Resolved, actor: str) -> None:
        self._move(source, target)
        self.changes.record(source.rel, actor)
        self.changes.record(target.rel, actor, moved_here=True)

    def _delete_recorded(self, entry: Resolved, actor: str) -> None:
        self._delete(entry)
        self.changes.record(entry.rel, actor)

    def _mkdir_recorded(self, entry: Resolved, actor: str) -> list[str]:
        """Creates the directory (and missing parents); returns what it created, top down."""
        parts = entry.rel.split("/")
        missing = [rel for rel in ("/".join(parts[:i]) for i in range(1, len(parts) + 1))
                   if not os.path.lexists(self.paths.root / rel)]
        self._mkdir(entry)
        for rel in missing:
            self.changes.record(rel, actor)
        return missing or [entry.rel]

    async def _changed(self, actor: str, *changes: tuple[ChangeType, str]) -> None:
        if self.events is not None and changes:
            await self.events.publish(FsChanged(
                changes=[FsChange(type=kind, path=rel, actor=actor) for kind, rel in changes]))

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
                    if self.visibility.is_hidden_name(item.name):
                        continue
                    if not addressable(item.name):  # not UTF-8: no JSON, no API path
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
            secret=self.visibility.is_secret(rel, kind == "dir"),
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
        rel, fd = self._open_for_read(raw)
        try:
            with _os_errors(rel):
                self._check_regular(rel, os.fstat(fd))
                data = _read_limited(fd, self.max_file_size)
        finally:
            os.close(fd)
        return self._content(rel, data, decode(data))

    def _open_for_read(self, raw: str) -> tuple[str, int]:
        """Open a file for reading, confined: (client path, descriptor)."""
        rel = normalise(raw)
        if not rel:
            raise BadRequest("Is a directory: /")
        with _os_errors(rel):
            # Common case: no symlink on the way, so the logical path is the real one and
            # opening it component by component (O_NOFOLLOW) needs no realpath at all.
            fd = open_file_no_links(self._root, rel.split("/"))
            if fd is not None:
                return rel, fd
            # A link on the way: resolve it once (it must stay inside), then open the
            # resolved components, refusing any that became a link meanwhile.
            target = self.paths.resolve(raw)
            if not target.parts:
                raise BadRequest(f"Is a directory: {rel}")
            with opened_dir(self._root, target.parent_parts, rel) as dir_fd:
                return rel, open_file_at(dir_fd, target.name, rel)

    def _write(self, target: Resolved, request: SaveRequest) -> tuple[FileContent, bool]:
        if not target.parts:
            raise BadRequest("The workspace root is a directory, not a file")
        self._refuse_git_internals(target, "write")
        with _os_errors(target.rel):
            try:
                dir_fd = walk(self._root, target.parent_parts, target.rel)
            except FileNotFoundError:
                if request.etag is None:
                    raise NotFound(
                        f"The folder of {target.rel} does not exist; create it first"
                    ) from None
                raise Conflict(f"{target.rel} was deleted on disk", current_etag=None) from None
            try:
                return self._write_at(dir_fd, target, request)
            finally:
                os.close(dir_fd)

    def _write_at(
        self, dir_fd: int, target: Resolved, request: SaveRequest
    ) -> tuple[FileContent, bool]:
        info: os.stat_result | None = None
        current: bytes | None = None
        try:
            fd: int | None = open_file_at(dir_fd, target.name, target.rel)
        except FileNotFoundError:
            fd = None
        if fd is not None:
            try:
                info = os.fstat(fd)
                if request.etag is None and not stat.S_ISREG(info.st_mode):
                    raise Conflict(f"Already exists: {target.rel}", current_etag=None)
                self._check_regular(target.rel, info)
                current = _read_limited(fd, self.max_file_size)
            finally:
                os.close(fd)
        old = self._check_etag(target, request.etag, current)
        text = request.content
        encoding = request.encoding or (old.encoding if old else "utf-8")
        if request.eol is not None:
            text = with_eol(text, request.eol)
        elif old is not None and old.has_newlines:
            text = with_eol(text, old.eol)
        data = encode(text, encoding)  # refuses what would read back as binary
        if len(data) > self.max_file_size:
            raise TooLarge(f"The text is {len(data)} bytes; the limit is {self.max_file_size}")
        mode = stat.S_IMODE(info.st_mode) if info is not None else None
        atomic_write_at(dir_fd, target.name, data, mode=mode)
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
            if current is not None:
                raise Conflict(f"Already exists: {target.rel}", current_etag=etag_of(current))
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
        with (
            _os_errors(source.rel),
            opened_dir(self._root, source.parent_parts, source.rel) as source_dir,
        ):
            if not _lexists_at(source_dir, source.name):
                raise NotFound(f"Not found: {source.rel}")
            try:
                target_dir = walk(self._root, target.parent_parts, target.rel)
            except (FileNotFoundError, NotADirectoryError):
                raise NotFound(f"The folder of {target.rel} does not exist") from None
            try:
                if _lexists_at(target_dir, target.name):
                    raise Conflict(f"Already exists: {target.rel}")
                if _is_within(target.path, source.path):
                    raise BadRequest(f"Cannot move {source.rel} into itself")
                try:
                    os.rename(
                        source.name, target.name, src_dir_fd=source_dir, dst_dir_fd=target_dir
                    )
                except OSError as error:
                    if error.errno != errno.EXDEV:
                        raise
                    # Another file system (a mount inside the workspace): copy + delete,
                    # still through the opened directories.
                    shutil.move(
                        fd_path(source_dir, source.name, str(source.path)),
                        fd_path(target_dir, target.name, str(target.path)),
                    )
                fsync_directory(source_dir)
                if target.parent_parts != source.parent_parts:
                    fsync_directory(target_dir)
            finally:
                os.close(target_dir)

    def _delete(self, entry: Resolved) -> None:
        with _os_errors(entry.rel), opened_dir(self._root, entry.parent_parts, entry.rel) as dir_fd:
            try:
                info = os.stat(entry.name, dir_fd=dir_fd, follow_symlinks=False)
            except FileNotFoundError:
                raise NotFound(f"Not found: {entry.rel}") from None
            if stat.S_ISDIR(info.st_mode):
                try:
                    # fd-based on Linux: never follows a link, inside or swapped in.
                    shutil.rmtree(entry.name, dir_fd=dir_fd)
                except OSError as error:
                    if error.errno is None:  # "Cannot call rmtree on a symbolic link"
                        raise Forbidden(
                            f"Refusing to delete {entry.rel}: it became a symbolic link "
                            "while being deleted; reload the folder and try again"
                        ) from None
                    raise
            else:
                os.unlink(entry.name, dir_fd=dir_fd)  # a symlink is removed, never its target
            fsync_directory(dir_fd)

    def _mkdir(self, entry: Resolved) -> None:
        # Missing parents are created one by one from the root's descriptor (iterative,
        # never through a link); the depth was capped when the path was normalised.
        with (
            _os_errors(entry.rel),
            opened_dir(self._root, entry.parent_parts, entry.rel, create=True) as dir_fd,
        ):
            os.mkdir(entry.name, dir_fd=dir_fd)
            fsync_directory(dir_fd)

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
        # `cfg -> .git/config` must not open a way in. Any spelling a case-insensitive
        # file system maps to `.git` (`.GIT`, `.Git.`) counts too.
        names = (*resolved.rel.split("/"), *resolved.parts)
        if any(is_git_dir_name(name) for name in names):
            raise Forbidden(f"Refusing to {action} inside .git: it is managed by git")

    def _check_regular(self, rel: str, info: os.stat_result) -> None:
        if stat.S_ISDIR(info.st_mode):
            raise BadRequest(f"Is a directory: {rel or '/'}")
        if not stat.S_ISREG(info.st_mode):
            raise BadRequest(f"Not a regular file: {rel}")
        if info.st_size > self.max_file_size:
            raise TooLarge(f"{rel} is {info.st_size} bytes; the limit is {self.max_file_size}")

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


def _read_upto(fd: int, limit: int) -> bytes:
    """At most `limit + 1` bytes, so a caller can tell "more than `limit`" from "all"."""
    chunks: list[bytes] = []
    remaining = limit + 1
    while remaining > 0:
        chunk = os.read(fd, min(remaining, 1 << 20))
        if not chunk:
            break
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def _read_limited(fd: int, limit: int) -> bytes:
    data = _read_upto(fd, limit)
    if len(data) > limit:  # it grew after the fstat
        raise TooLarge(f"The file is larger than the limit of {limit} bytes")
    return data


def _lexists_at(dir_fd: int, name: str) -> bool:
    try:
        os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
    except FileNotFoundError:
        return False
    return True


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
        if error.errno in (errno.ENXIO, errno.ENODEV):  # a socket or device node
            raise BadRequest(f"Not a regular file: {shown}") from None
        if error.errno == errno.ENOTEMPTY:
            raise Conflict(f"Not empty: {shown}") from None
        if error.errno in (errno.ENOSPC, errno.EDQUOT):
            raise InsufficientStorage(f"Not enough disk space to save {shown}") from None
        if error.errno == errno.EROFS:
            raise Forbidden(f"Read-only file system: cannot change {shown}") from None
        raise InternalError(f"{shown}: {error.strerror or error}") from None
