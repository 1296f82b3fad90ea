"""`@path` mentions in a chat message: `@src/app.py` (a file) and `@src/` (a folder).

`@codebase` and other bare words registered by context sources are not paths (see
`RESERVED`); the UI completes paths through `/api/search/files`.
"""

from __future__ import annotations

import re

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
