"""The files and blobs a change works on: reads and writes through the file service (all or
nothing across files), contents in and out of the shadow repository."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from pairpad.changes.shadow import ShadowRepo
from pairpad.changes.store import FileRecord
from pairpad.errors import NotFound
from pairpad.workspace.files import FileService
from pairpad.workspace.models import Encoding, FileContent, SaveRequest


@dataclass(frozen=True)
class Write:
    """One file of a change about to be written: from `before` to `after` (None: absent)."""

    path: str
    before: FileContent | None
    after: str | None
    encoding: Encoding | None = None  # for a file (re)created: its old encoding

    @property
    def before_text(self) -> str | None:
        return None if self.before is None else self.before.content


Written = list[tuple[Write, FileContent | None]]  # each write and the file it left (None: gone)


class ChangeIo:
    def __init__(self, files: FileService, shadow: ShadowRepo) -> None:
        self._files = files
        self._shadow = shadow

    async def read(self, path: str) -> FileContent | None:
        try:
            return await self._files.read(path)
        except NotFound:
            return None

    async def write_all(self, writes: list[Write], actor: str) -> Written:
        """Writes each file; if one fails, the ones written are put back and the error raised."""
        done: Written = []
        try:
            for write in writes:
                done.append((write, await self.write(write, actor)))
        except BaseException:
            await self._roll_back(done, actor)
            raise
        return done

    async def write(self, write: Write, actor: str) -> FileContent | None:
        """One file from `write.before` (its etag guards the write) to `write.after`."""
        if write.after is None:
            if write.before is not None:
                await self._files.delete(write.path, actor)
            return None
        if write.before is None:
            parent = write.path.rpartition("/")[0]
            if parent and await self._dir_missing(parent):
                await self._files.mkdir(parent, actor)
        saved, _created = await self._files.write(write.path, SaveRequest(
            content=write.after, etag=None if write.before is None else write.before.etag,
            encoding=None if write.before is not None else write.encoding), actor)
        return saved

    async def _roll_back(self, done: Written, actor: str) -> None:
        for write, saved in reversed(done):
            back = Write(write.path, saved, write.before_text,
                         write.before.encoding if write.before else None)
            try:
                await self.write(back, actor)
            except Exception:  # noqa: S112 - best effort; the original error is raised
                continue

    async def _dir_missing(self, folder: str) -> bool:
        try:
            await self._files.tree(folder)
        except NotFound:
            return True
        return False

    # ---- the shadow repository ----------------------------------------------------------

    async def put(self, text: str | None) -> str | None:
        return None if text is None else await asyncio.to_thread(self._put, text)

    def _put(self, text: str) -> str:
        self._shadow.ensure()  # a stat once the repository exists
        return self._shadow.put(text)

    async def get(self, blob: str | None) -> str | None:
        return None if blob is None else await asyncio.to_thread(self._shadow.get, blob)

    async def texts(self, file: FileRecord) -> tuple[str | None, str | None]:
        return await self.get(file.before), await self.get(file.after)

    async def snapshot(self, checkpoint_id: str, files: dict[str, str | None],
                       message: str) -> str:
        await asyncio.to_thread(self._shadow.ensure)  # a set of only new files put no blob
        return await asyncio.to_thread(self._shadow.snapshot, checkpoint_id, files, message)
