"""What every chat context source shares: the item it returns, the protocol it implements,
the file reader it is given, and `gather_all`, which runs the sources for one chat turn.

Extension point
---------------
A context source is anything with ``name: str`` and
``async def gather(self, query: str, request: ChatSendRequest) -> list[ContextItem]``.
``query`` is the user's message; ``request`` carries the active file, selection, mentions and
pasted errors. Return items with a ``priority`` (higher = more relevant = kept longer when the
budget is tight; built-ins use 100 selection, 90 errors, 80 mentioned files, 70 active file,
40 folder files, 30 history) and a stable ``id`` (``"<kind>:<path>"``) the UI can exclude.
Register one with ``services.ai.chat.sources.append(MySource())`` — e.g. the ``@codebase``
source (`ai/sources/codebase.py`) over the codebase index. A source that raises is skipped
and reported as an excluded item; it never fails the chat. `ai/budget.py` then fits the
items into the model's context window.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

import structlog

from pairpad.ai.chat_models import ChatSendRequest
from pairpad.errors import PairpadError

log = structlog.get_logger("pairpad.ai.context")


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


def missing_item(item_id: str, kind: str, path: str, error: PairpadError) -> ContextItem:
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
