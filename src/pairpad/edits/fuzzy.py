"""The last rung: the file window most like the SEARCH, accepted only when clearly the one.

Each window of about the SEARCH's line count (± SPREAD lines) is scored by the normalized
Indel similarity of its stripped lines (rapidfuzz's `ratio`, the same measure as difflib's
`SequenceMatcher.ratio` on a longest common subsequence, in C). The best window is accepted
when it scores at least THRESHOLD and beats the best window that does not overlap it by at
least MARGIN. The best window is also the "closest region" reported when nothing matched.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz.fuzz import ratio

THRESHOLD = 0.85
MARGIN = 0.10
SPREAD = 2
MIN_LINES = 3  # never fuzzy-match a SEARCH of fewer non-blank lines


@dataclass(frozen=True)
class Window:
    start: int  # 0-based line index
    end: int  # exclusive
    score: float  # 0..1


@dataclass(frozen=True)
class Ranking:
    best: Window | None
    runner_up: Window | None  # the best window not overlapping `best`


def _key(lines: Sequence[str]) -> str:
    return "\n".join(ln.strip() for ln in lines)


def rank(body: Sequence[str], search: Sequence[str]) -> Ranking:
    n = len(search)
    if not body or n == 0:
        return Ranking(None, None)
    target = _key(search)
    stripped = [ln.strip() for ln in body]
    lengths = range(max(1, n - SPREAD), n + SPREAD + 1)
    # a window starts and ends on a non-blank line unless the SEARCH does: a blank line at the
    # edge would be replaced (lost) without being part of what the SEARCH describes
    blank_start = not search[0].strip()
    blank_end = not search[-1].strip()
    windows: list[Window] = []
    for start in range(len(body)):
        if not stripped[start] and not blank_start:
            continue
        for length in lengths:
            end = start + length
            if end > len(body):
                break
            if not stripped[end - 1] and not blank_end:
                continue
            score = ratio("\n".join(stripped[start:end]), target) / 100.0
            # prefer, at equal score, the window of the SEARCH's own length
            windows.append(Window(start, end, score))
    if not windows:
        return Ranking(None, None)
    best = max(windows, key=lambda w: (w.score, -abs((w.end - w.start) - n), -w.start))
    others = [w for w in windows if w.end <= best.start or w.start >= best.end]
    runner = max(others, key=lambda w: w.score) if others else None
    return Ranking(best, runner)


def eligible(search: Sequence[str]) -> bool:
    return sum(1 for ln in search if ln.strip()) >= MIN_LINES


def accepted(ranking: Ranking) -> bool:
    best = ranking.best
    if best is None or best.score < THRESHOLD:
        return False
    runner = ranking.runner_up.score if ranking.runner_up else 0.0
    return best.score - runner >= MARGIN
