"""Context beyond the file for an inline completion: the signatures of names used near the
cursor, looked up in the codebase index, and recently edited ranges of other open files.

Secret files: the caller passes `is_secret` — the workspace's `VisibilityPolicy.is_secret_target`
(`services.context.policy.is_secret_target`, which also follows symlinks) — and no snippet of
such a path is returned, neither an edit the client sent nor a signature from a stale index.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable, Sequence
from typing import Protocol

from pairpad.ai.completion.prompt import Snippet
from pairpad.ai.providers.base import estimate_tokens
from pairpad.codebase.symbols import Location
from pairpad.errors import Unavailable

LINES_BEFORE = 10  # of the prefix, the cursor's line included
LINES_AFTER = 5  # of the suffix
MAX_LOOKUPS = 12  # names looked up per completion (each one indexed SQLite query)
MIN_NAME = 3  # shorter names are locals (`i`, `db`) more often than not
MAX_EDIT_LINES = 20  # of one recent edit
# The file's own definitions are looked for this far from the cursor only (a whole 100 kB
# file costs ~10 ms; this ~1 ms): they only save lookups, since a definition in the same file
# is never a snippet anyway.
OWN_DEFINITIONS_CHARS = 8_000

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# The file's own definitions, by the words that introduce one in common languages.
# (No leading \b: it doubles the scan's cost, and a stray match only saves a lookup.)
_DEFINITION = re.compile(r"(?:def|class|function|func|fn|struct|interface|enum|trait|type)"
                         r"[ \t]+([A-Za-z_][A-Za-z0-9_]*)")
_KEYWORD_TEXT = """
    False None True and as assert async await break class continue def del elif else except
    finally for from global if import in is lambda nonlocal not or pass raise return try while
    with yield self cls match case print
    abstract any boolean byte catch char const constructor debugger default delete do double
    enum export extends final float function goto implements instanceof int interface let long
    native new null package private protected public readonly short static super switch
    synchronized this throw throws transient typeof undefined var void volatile string number
    true false type namespace declare keyof never unknown of get set
    chan defer fallthrough func map range select struct go
    crate dyn extern impl loop mod move mut pub ref unsafe use where fn trait Self usize isize
    bool str Some Ok Err Vec String Option Result
    auto register signed sizeof typedef union unsigned include define ifdef ifndef endif
"""
KEYWORDS = frozenset(_KEYWORD_TEXT.split())


class Definitions(Protocol):
    """Where a name is defined: the codebase index (`ContextService`, `services.context`)."""

    async def definitions(self, name: str, path: str | None) -> list[Location]: ...


class EditedRange(Protocol):
    """A recently edited range of an open file, as the client sends it."""

    @property
    def path(self) -> str: ...

    @property
    def start_line(self) -> int: ...

    @property
    def text(self) -> str: ...


def identifiers_near_cursor(prefix: str, suffix: str) -> list[str]:
    """Names in the lines around the cursor, nearest first (before the cursor going back, then
    after it going on), without keywords, short names and the file's own definitions."""
    before = "\n".join(prefix.rsplit("\n", LINES_BEFORE)[-LINES_BEFORE:])
    after = "\n".join(suffix.split("\n", LINES_AFTER)[:LINES_AFTER])
    own = (set(_DEFINITION.findall(prefix, max(len(prefix) - OWN_DEFINITIONS_CHARS, 0)))
           | set(_DEFINITION.findall(suffix, 0, OWN_DEFINITIONS_CHARS)))
    names = [*reversed(_IDENTIFIER.findall(before)), *_IDENTIFIER.findall(after)]
    return [name for name in dict.fromkeys(names)
            if len(name) >= MIN_NAME and name not in KEYWORDS and name not in own]


async def gather_snippets(codebase: Definitions, path: str, prefix: str, suffix: str,
                          recent_edits: Sequence[EditedRange], *, budget_tokens: int,
                          is_secret: Callable[[str], bool]) -> list[Snippet]:
    """Signatures of the names near the cursor defined in other files (nearest name first),
    then recent edits of other files (in the order given: the client sends the most recent
    first), as many as fit in `budget_tokens`."""
    names = identifiers_near_cursor(prefix, suffix)[:MAX_LOOKUPS]
    found = await asyncio.gather(*(_definitions(codebase, name, path) for name in names))
    candidates: list[Snippet] = []
    for name, locations in zip(names, found, strict=True):
        # The nearest definition (the index sorts by closeness to `path`) in another file, of
        # this very name (the index also answers a name that differs only in case).
        location = next((loc for loc in locations if loc.name == name and loc.path != path
                         and loc.signature and not is_secret(loc.path)), None)
        if location is not None:
            candidates.append(Snippet("signature", location.path, location.signature.strip()))
    for edit in recent_edits:
        if edit.path != path and edit.text.strip() and not is_secret(edit.path):
            lines = edit.text.strip("\n").split("\n")[:MAX_EDIT_LINES]
            candidates.append(Snippet("recent_edit", edit.path, "\n".join(lines)))
    chosen: list[Snippet] = []
    left = budget_tokens
    for snippet in dict.fromkeys(candidates):
        cost = estimate_tokens(f"{snippet.path}: {snippet.text}\n")
        if cost <= left:
            chosen.append(snippet)
            left -= cost
    return chosen


async def _definitions(codebase: Definitions, name: str, path: str) -> list[Location]:
    try:
        return await codebase.definitions(name, path)
    except Unavailable:  # the index is disabled: no signatures, the completion goes on
        return []
