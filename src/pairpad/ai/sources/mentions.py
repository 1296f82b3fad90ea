"""`@path` mentions in a chat message — `@src/app.py` (a file) and `@src/` (a folder) — and
the `mentions` source that reads them into context.

`@codebase` and other bare words registered by context sources are not paths (see
`RESERVED`); the UI completes paths through `/api/search/files`.
"""

from __future__ import annotations

import re

from pairpad.ai.chat_models import ChatSendRequest
from pairpad.ai.sources.base import ContextItem, FileReader, missing_item
from pairpad.ai.sources.gate import (
    DefaultSecrets,
    SecretCheck,
    SecretGate,
    secret_meta,
    secret_refused,
)
from pairpad.errors import PairpadError

FOLDER_FILE_LIMIT = 20

# '@' at the start or after whitespace/punctuation, then a path-ish run; e-mail addresses
# (word char before '@') do not match.
_MENTION = re.compile(r"(?<![\w@])@([\w.\-/]+[\w/\-]|[\w])")
RESERVED = frozenset({"codebase", "workspace", "web", "docs"})


def parse_mentions(text: str) -> list[str]:
    """Unique mentioned paths in order of appearance, reserved words excluded."""
    seen: dict[str, None] = {}
    for match in _MENTION.finditer(text):
        value = match.group(1)
        if value.lower() in RESERVED:
            continue
        seen.setdefault(value, None)
    return list(seen)


def mentions_reserved(text: str, word: str) -> bool:
    return any(m.group(1).lower() == word for m in _MENTION.finditer(text))


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
                    items.append(missing_item(f"file:{path}", "file", path, file_error))
                items.extend(folder or [])
                continue
            items.append(ContextItem(f"file:{path}", "file", read.content, 80, path=path,
                                     language=read.language, title="Mentioned file",
                                     meta={"why": f"@{path}", **secret_meta(gate, path)}))
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
