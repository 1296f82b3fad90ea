"""Context for a chat turn: items gathered by *context sources*, then fitted to the budget.

Extension point
---------------
A context source is anything with ``name: str`` and
``async def gather(self, query: str, request: ChatSendRequest) -> list[ContextItem]``.
``query`` is the user's message; ``request`` carries the active file, selection, mentions and
pasted errors. Return items with a ``priority`` (higher = more relevant = kept longer when the
budget is tight; built-ins use 100 selection, 90 errors, 80 mentioned files, 70 active file,
40 folder files, 30 history) and a stable ``id`` (``"<kind>:<path>"``) the UI can exclude.
Register one with ``services.chat.context.sources.append(MySource())`` — e.g. the
``@codebase`` retrieval of ``pairpad.ai.context``. A source that raises is skipped and
reported as an excluded item; it never fails the chat.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

import structlog

from pairpad.ai.chat_models import ChatSendRequest
from pairpad.ai.mentions import parse_mentions
from pairpad.errors import PairpadError

log = structlog.get_logger("pairpad.ai.context")
FOLDER_FILE_LIMIT = 20


@dataclass
class ContextItem:
    id: str
    kind: str  # file | selection | folder | error | codebase | history | ...
    content: str
    priority: int
    path: str | None = None
    title: str | None = None
    language: str | None = None
    truncatable: bool = True
    tokens: int = 0
    included: bool = True
    truncated: bool = False
    reason: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)

    def report(self) -> dict[str, Any]:
        """What the inspector shows (no file contents). `reason` says why an item was left
        out; `meta` why it was included: for codebase snippets `why` (the signals in words),
        `signals`, `score` and the line range `start_line`-`end_line`."""
        return {"id": self.id, "kind": self.kind, "path": self.path, "title": self.title,
                "tokens": self.tokens, "included": self.included, "truncated": self.truncated,
                "reason": self.reason, "meta": dict(self.meta)}


class ContextSource(Protocol):
    name: str

    async def gather(self, query: str, request: ChatSendRequest) -> list[ContextItem]: ...


class FileContentLike(Protocol):
    @property
    def content(self) -> str: ...
    @property
    def language(self) -> str: ...


class EntryLike(Protocol):
    @property
    def path(self) -> str: ...
    @property
    def type(self) -> str: ...
    @property
    def size(self) -> int: ...
    @property
    def ignored(self) -> bool: ...


class ListingLike(Protocol):
    @property
    def entries(self) -> list[Any]: ...


class FileReader(Protocol):
    """The workspace FileService (confined paths, size limits) as chat needs it."""

    async def read(self, raw: str) -> Any: ...
    async def tree(self, raw: str = "") -> Any: ...


class RequestSource:
    """Active file, selection and pasted errors: what the client sent with the message."""

    name = "request"

    def __init__(self, files: FileReader) -> None:
        self._files = files

    async def gather(self, query: str, request: ChatSendRequest) -> list[ContextItem]:
        items: list[ContextItem] = []
        if request.selection is not None and request.selection.text.strip():
            sel = request.selection
            span = f" lines {sel.start_line}-{sel.end_line}" if sel.start_line else ""
            lines = ({"start_line": sel.start_line, "end_line": sel.end_line or sel.start_line}
                     if sel.start_line else {})
            items.append(ContextItem(f"selection:{sel.path or ''}", "selection", sel.text, 100,
                                     path=sel.path, title=f"Selection{span}",
                                     meta={"why": "your selection", **lines}))
        for index, error in enumerate(request.errors):
            items.append(ContextItem(f"error:{index}", "error", error, 90,
                                     title=f"Pasted error {index + 1}"))
        active = request.active_file
        if active is not None:
            content, language = active.content, active.language
            if content is None:
                try:
                    read = await self._files.read(active.path)
                    content, language = read.content, read.language
                except PairpadError as error:
                    items.append(_missing(f"file:{active.path}", "file", active.path, error))
                    return items
            items.append(ContextItem(f"file:{active.path}", "file", content, 70,
                                     path=active.path, language=language, title="Active file",
                                     meta={"why": "the open file",
                                           **_focus(active.cursor_line, request)}))
        return items


class MentionSource:
    """`@file` and `@folder/` mentions from the text and the client's explicit list."""

    name = "mentions"

    def __init__(self, files: FileReader) -> None:
        self._files = files

    async def gather(self, query: str, request: ChatSendRequest) -> list[ContextItem]:
        paths = list(dict.fromkeys([*request.mentions, *parse_mentions(query)]))
        active = request.active_file.path if request.active_file else None
        items: list[ContextItem] = []
        for raw in paths:
            path = raw.strip("/") if raw not in ("/", ".") else ""
            if path == active:
                continue  # already there as the active file
            try:
                read = await self._files.read(path)
            except PairpadError as file_error:
                folder = await self._folder(path)
                if folder is None:
                    items.append(_missing(f"file:{path}", "file", path, file_error))
                items.extend(folder or [])
                continue
            items.append(ContextItem(f"file:{path}", "file", read.content, 80, path=path,
                                     language=read.language, title="Mentioned file",
                                     meta={"why": f"@{path}"}))
        return items

    async def _folder(self, path: str) -> list[ContextItem] | None:
        try:
            listing = await self._files.tree(path)
        except PairpadError:
            return None
        entries = [e for e in listing.entries if not e.ignored]
        names = "\n".join(e.path + ("/" if e.type == "dir" else "") for e in entries)
        items = [ContextItem(f"folder:{path}", "folder", names, 60, path=path or ".",
                             title="Folder listing", meta={"why": f"@{path or '.'}/ listing"})]
        files = [e for e in entries if e.type == "file"][:FOLDER_FILE_LIMIT]
        for rank, entry in enumerate(files):
            try:
                read = await self._files.read(entry.path)
            except PairpadError:
                continue  # binary or too large: the listing still names it
            # Lower priority than explicit mentions, so a big folder is trimmed first.
            items.append(ContextItem(f"file:{entry.path}", "file", read.content, 40 - rank,
                                     path=entry.path, language=read.language,
                                     title=f"In @{path or '.'}",
                                     meta={"why": f"in @{path or '.'}/"}))
        return items


def _focus(cursor_line: int | None, request: ChatSendRequest) -> dict[str, int]:
    """The line a cut of the active file centres on: the selection in it, else the cursor."""
    sel = request.selection
    active = request.active_file
    if sel is not None and sel.start_line and active is not None and sel.path in (
            None, active.path):
        end = sel.end_line or sel.start_line
        return {"focus_line": (sel.start_line + end) // 2}
    return {"focus_line": cursor_line} if cursor_line else {}


def _missing(item_id: str, kind: str, path: str, error: PairpadError) -> ContextItem:
    return ContextItem(item_id, kind, "", 0, path=path, included=False, reason=error.detail)


async def gather_all(
    sources: list[ContextSource], query: str, request: ChatSendRequest
) -> list[ContextItem]:
    items: list[ContextItem] = []
    seen: set[str] = set()
    for source in sources:
        try:
            found = await source.gather(query, request)
        except Exception as error:  # a broken plug-in must not break chat
            log.warning("context source failed", source=source.name, error=str(error))
            found = [ContextItem(f"source:{source.name}", "source", "", 0, title=source.name,
                                 included=False, reason=f"{source.name} failed: {error}")]
        for item in found:
            if item.id in seen:
                continue
            seen.add(item.id)
            if item.id in request.exclude:
                item.included, item.reason = False, "removed by you"
            items.append(item)
    return items
