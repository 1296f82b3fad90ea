"""Working-tree writes of source control (discard, a branch switch), made visible the way
every other change is: contents written through the file service (etag-checked, recorded,
published as `fs:changed`), or — what git itself must write (binary files, a checkout) —
recorded in its change ledger and published as the user's own changes, so editors reload
and the watcher does not report them again as `external`."""

from __future__ import annotations

import asyncio
import os

from pairpad.errors import NotFound, UnsupportedMedia
from pairpad.events.models import USER_ACTOR, FsChanged
from pairpad.workspace.files import FileService
from pairpad.workspace.models import ChangeType, FsChange, SaveRequest
from pairpad.workspace.text import decode


class WorktreeWriter:
    def __init__(self, files: FileService) -> None:
        self.files = files

    def exists(self, rel: str) -> bool:
        return os.path.lexists(self.files.paths.root / rel)

    async def current_etag(self, rel: str) -> str | None:
        try:
            return (await self.files.read(rel)).etag
        except NotFound:
            return None

    async def write_bytes(self, rel: str, data: bytes) -> bool:
        """Writes `data` as the file's text through the file service; False when it is
        binary (the caller lets git write it, then `announce`s)."""
        try:
            text = decode(data)
            etag = await self.current_etag(rel)
        except UnsupportedMedia:
            return False
        request = SaveRequest(content=text.content, etag=etag, encoding=text.encoding,
                              eol=text.eol if text.has_newlines else None)
        await self.files.write(rel, request)
        return True

    async def delete(self, rel: str) -> None:
        await self.files.delete(rel)

    async def announce(self, changes: list[tuple[ChangeType, str]]) -> None:
        """Changes git made on disk, as the user's: recorded, then published."""
        if not changes:
            return

        def record() -> None:
            for _kind, rel in changes:
                self.files.changes.record(rel, USER_ACTOR)

        await asyncio.to_thread(record)
        if self.files.events is not None:
            await self.files.events.publish(FsChanged(changes=[
                FsChange(type=kind, path=rel, actor=USER_ACTOR) for kind, rel in changes]))
