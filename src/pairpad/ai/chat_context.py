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

Secret files
------------
A file the workspace's visibility policy calls a secret (``.env``, keys, ...) is never read
into context — mentioned, active, selected in, or inside a mentioned folder — unless the
request lists it in ``allow_secrets`` (the user attached that one file and confirmed). In
its place is an item with ``included: false``, a ``reason`` and ``meta.secret``, so the UI
says why and offers "Attach anyway…".
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from typing import Any, Protocol

import structlog

from pairpad.ai.chat_models import ChatSendRequest
from pairpad.ai.mentions import parse_mentions
from pairpad.errors import PairpadError
from pairpad.workspace.visibility import is_default_secret

log = structlog.get_logger("pairpad.ai.context")
FOLDER_FILE_LIMIT = 20
CREDENTIALS_REFUSAL = (
    "secret file (credentials or keys): not sent to the model. "
    "Use “Attach anyway…” to send this one file after confirming."
)


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


class SecretCheck(Protocol):
    """The workspace's VisibilityPolicy as chat needs it."""

    def is_secret_target(self, rel: str) -> bool: ...


class DefaultSecrets:
    """The built-in secret rules alone: what a source refuses when given no policy."""

    def is_secret_target(self, rel: str) -> bool:
        return is_default_secret(rel)


class SecretGate:
    """Which paths of one request may reach the model: not a secret, or a secret the user
    attached explicitly and confirmed (`allow_secrets`)."""

    def __init__(self, secrets: SecretCheck, request: ChatSendRequest) -> None:
        self._secrets = secrets
        self._allowed = {_normal(path) for path in request.allow_secrets}

    def refuses(self, path: str) -> bool:
        rel = _normal(path)
        return rel not in self._allowed and self._secrets.is_secret_target(rel)

    def allowed_secret(self, path: str) -> bool:
        return _normal(path) in self._allowed and self._secrets.is_secret_target(_normal(path))


def _normal(path: str) -> str:
    rel = posixpath.normpath(path.strip().strip("/")) if path.strip("/ ") else ""
    return "" if rel == "." else rel


def secret_refused(item_id: str, kind: str, path: str, title: str) -> ContextItem:
    return ContextItem(item_id, kind, "", 0, path=path, title=title, included=False,
                       reason=CREDENTIALS_REFUSAL, meta={"secret": True})


class RequestSource:
    """Active file, selection and pasted errors: what the client sent with the message."""

    name = "request"

    def __init__(self, files: FileReader, secrets: SecretCheck | None = None) -> None:
        self._files = files
        self._secrets = secrets or DefaultSecrets()

    async def gather(self, query: str, request: ChatSendRequest) -> list[ContextItem]:
        items: list[ContextItem] = []
        gate = SecretGate(self._secrets, request)
        active = request.active_file
        sel = request.selection
        if sel is not None and sel.text.strip() and (sel.path or (active and active.path)):
            sel_path = sel.path or (active.path if active else "")
            if gate.refuses(sel_path):
                items.append(secret_refused(f"selection:{sel.path or ''}", "selection",
                                            sel_path, "Selection"))
                sel = None
        if sel is not None and sel.text.strip():
            span = f" lines {sel.start_line}-{sel.end_line}" if sel.start_line else ""
            lines = ({"start_line": sel.start_line, "end_line": sel.end_line or sel.start_line}
                     if sel.start_line else {})
            items.append(ContextItem(f"selection:{sel.path or ''}", "selection", sel.text, 100,
                                     path=sel.path, title=f"Selection{span}",
                                     meta={"why": "your selection", **lines}))
        for index, error in enumerate(request.errors):
            items.append(ContextItem(f"error:{index}", "error", error, 90,
                                     title=f"Pasted error {index + 1}"))
        if active is not None and gate.refuses(active.path):
            items.append(secret_refused(f"file:{active.path}", "file", active.path,
                                        "Active file"))
            return items
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
                                           **_secret_meta(gate, active.path),
                                           **_focus(active.cursor_line, request)}))
        return items


class MentionSource:
    """`@file` and `@folder/` mentions from the text and the client's explicit list."""

    name = "mentions"

    def __init__(self, files: FileReader, secrets: SecretCheck | None = None) -> None:
        self._files = files
        self._secrets = secrets or DefaultSecrets()

    async def gather(self, query: str, request: ChatSendRequest) -> list[ContextItem]:
        paths = list(dict.fromkeys([*request.mentions, *parse_mentions(query)]))
        active = request.active_file.path if request.active_file else None
        gate = SecretGate(self._secrets, request)
        items: list[ContextItem] = []
        for raw in paths:
            path = raw.strip("/") if raw not in ("/", ".") else ""
            if path == active:
                continue  # already there as the active file
            if gate.refuses(path):
                items.append(secret_refused(f"file:{path}", "file", path, "Mentioned file"))
                continue
            try:
                read = await self._files.read(path)
            except PairpadError as file_error:
                folder = await self._folder(path, gate)
                if folder is None:
                    items.append(_missing(f"file:{path}", "file", path, file_error))
                items.extend(folder or [])
                continue
            items.append(ContextItem(f"file:{path}", "file", read.content, 80, path=path,
                                     language=read.language, title="Mentioned file",
                                     meta={"why": f"@{path}", **_secret_meta(gate, path)}))
        return items

    async def _folder(self, path: str, gate: SecretGate) -> list[ContextItem] | None:
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
            if gate.refuses(entry.path):  # the listing names it; its content stays out
                items.append(secret_refused(f"file:{entry.path}", "file", entry.path,
                                            f"In @{path or '.'}"))
                continue
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


def _secret_meta(gate: SecretGate, path: str) -> dict[str, Any]:
    """On an explicitly attached secret: say so in the inspector."""
    return {"secret": True, "why": "attached by you (secret file)"} if gate.allowed_secret(
        path) else {}


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
