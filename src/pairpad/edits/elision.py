"""`...` lines in a SEARCH: "the original lines here, unchanged".

SEARCH `A / ... / B` matches A, then B further down; the lines between are kept. The REPLACE
must hold as many `...` lines, each standing for the same kept lines: `A' / ... / B'` gives
A', the original middle, B'. Each segment is located with the exact, trailing-whitespace and
indentation rungs (never fuzzy), the first segment's rung deciding for all.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pairpad.edits.ladder import Match, Rung, exact, indent, trailing_ws

# a lone `...` (or `…`), also as a comment: `# ...`, `// ...`
MARKERS = frozenset({"...", "\u2026", "# ...", "// ..."})
_SEGMENT_RUNGS: tuple[Rung, ...] = (exact, trailing_ws, indent)


def has_elision(lines: Sequence[str]) -> bool:
    return any(ln.strip() in MARKERS for ln in lines)


def segments(lines: Sequence[str]) -> list[list[str]]:
    out: list[list[str]] = [[]]
    for ln in lines:
        if ln.strip() in MARKERS:
            out.append([])
        else:
            out[-1].append(ln)
    return out


@dataclass(frozen=True)
class ElidedMatch:
    spans: tuple[Match, ...]  # where each segment matched, in order

    @property
    def start(self) -> int:
        return self.spans[0][0]

    @property
    def end(self) -> int:
        return self.spans[-1][1]


def find(body: Sequence[str], pattern: Sequence[str]) -> list[ElidedMatch]:
    """All places the segments match in order; the tightest one for each end."""
    parts = segments(pattern)
    if any(not p for p in parts):
        return []
    for rung in _SEGMENT_RUNGS:
        found = _find_with(rung, body, parts)
        if found:
            return found
    return []


def _find_with(rung: Rung, body: Sequence[str], parts: list[list[str]]) -> list[ElidedMatch]:
    occurrences = [rung(body, p) for p in parts]
    by_end: dict[int, ElidedMatch] = {}
    for first in occurrences[0]:
        spans = [first]
        for later in occurrences[1:]:
            nxt = next((m for m in later if m[0] >= spans[-1][1]), None)
            if nxt is None:
                break
            spans.append(nxt)
        else:
            match = ElidedMatch(tuple(spans))
            kept = by_end.get(match.end)
            if kept is None or match.start > kept.start:
                by_end[match.end] = match
    return sorted(by_end.values(), key=lambda m: m.start)
