"""`auto`: which format a text is written in."""

from __future__ import annotations

import re
from typing import Literal

_SEARCH = re.compile(r"^\s*<{5,9} ?SEARCH\s*$", re.MULTILINE)
_HUNK = re.compile(r"^@@.*@@", re.MULTILINE)
_HEADER = re.compile(r"^(?:--- \S.*\n\+\+\+ \S|diff --git )", re.MULTILINE)


def detect(text: str) -> Literal["search_replace", "udiff", "whole"]:
    """SEARCH/REPLACE markers win; then a diff (file headers and a hunk); else a whole file."""
    text = text.replace("\r\n", "\n")
    if _SEARCH.search(text):
        return "search_replace"
    if _HEADER.search(text) and (_HUNK.search(text) or "diff --git " in text):
        return "udiff"
    return "whole"
