"""The last rung: the file window most like the SEARCH, accepted only when clearly the one.

Each window of about the SEARCH's line count (± SPREAD lines) is scored by the normalized
Indel similarity of its stripped lines (rapidfuzz's `ratio`, the same measure as difflib's
`SequenceMatcher.ratio` on a longest common subsequence, in C). The best window is accepted
when it scores at least THRESHOLD and beats the best window that does not overlap it by at
least MARGIN. Only windows whose first and last non-blank lines resemble the SEARCH's (ANCHOR)
are candidates. The best window is also the "closest region" reported when nothing matched.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz.fuzz import ratio

# Picked on perturbed 5-line SEARCHes of pairpad's own sources (a renamed token, a dropped line,
# squeezed spaces, a hallucinated line; ~1900 cases): at 0.88 no accepted window lay outside the
# true region (at 0.85, 2 did, both with a hallucinated line), while 0.90 refused 25% more.
THRESHOLD = 0.88
MARGIN = 0.10
SPREAD = 2
MIN_LINES = 3  # never fuzzy-match a SEARCH of fewer non-blank lines
ANCHOR = 0.7  # how alike the first and last non-blank lines must be


@dataclass(frozen=True)
class Window:
    start: int  # 0-based line index
    end: int  # exclusive
    score: float  # 0..1


@dataclass(frozen=True)
class Ranking:
    best: Window | None  # the best anchored window: the candidate for acceptance
    runner_up: Window | None  # the best window of any kind not overlapping `best`
    closest: Window | None  # what to show when nothing is accepted


def _anchored(
    stripped: list[str], start: int, end: int, first: str, last: str, memo: dict[str, float]
) -> bool:
    """The window's first and last non-blank lines resemble the SEARCH's.

    Without this anchor a window covering only the long lines of a SEARCH that lost a line
    outscores the right one (the ratio favours the shorter text), and the edit would drop lines.
    """
    inner = [ln for ln in stripped[start:end] if ln]
    if not inner:
        return False

    def like(a: str, b: str) -> bool:
        key = a + "\0" + b
        if key not in memo:
            memo[key] = ratio(a, b) / 100.0
        return memo[key] >= ANCHOR

    return like(inner[0], first) and like(inner[-1], last)


def rank(body: Sequence[str], search: Sequence[str]) -> Ranking:
    n = len(search)
    filled = [ln.strip() for ln in search if ln.strip()]
    if not body or not filled:
        return Ranking(None, None, None)
    target = "\n".join(ln.strip() for ln in search)
    stripped = [ln.strip() for ln in body]
    lengths = range(max(1, n - SPREAD), n + SPREAD + 1)
    # a window starts and ends on a non-blank line unless the SEARCH does: a blank line at the
    # edge would be replaced (lost) without being part of what the SEARCH describes
    blank_start = not search[0].strip()
    blank_end = not search[-1].strip()
    memo: dict[str, float] = {}
    windows: list[Window] = []
    anchored: list[Window] = []
    for start in range(len(body)):
        if not stripped[start] and not blank_start:
            continue
        for length in lengths:
            end = start + length
            if end > len(body):
                break
            if not stripped[end - 1] and not blank_end:
                continue
            window = Window(start, end, ratio("\n".join(stripped[start:end]), target) / 100.0)
            windows.append(window)
            if _anchored(stripped, start, end, filled[0], filled[-1], memo):
                anchored.append(window)
    if not windows:
        return Ranking(None, None, None)

    def order(w: Window) -> tuple[float, int, int]:
        # at equal score: the window of the SEARCH's own length, then the first
        return (w.score, -abs((w.end - w.start) - n), -w.start)

    best = max(anchored, key=order) if anchored else None
    if best is None:
        return Ranking(None, None, max(windows, key=order))
    others = [w for w in windows if w.end <= best.start or w.start >= best.end]
    runner = max(others, key=order) if others else None
    return Ranking(best, runner, best)


def eligible(search: Sequence[str]) -> bool:
    return sum(1 for ln in search if ln.strip()) >= MIN_LINES


def accepted(ranking: Ranking) -> bool:
    best = ranking.best
    if best is None or best.score < THRESHOLD:
        return False
    runner = ranking.runner_up.score if ranking.runner_up else 0.0
    return best.score - runner >= MARGIN


def edges_fit(body: Sequence[str], search: Sequence[str], window: Window) -> bool:
    """The window's first and last non-blank lines are at least as like the SEARCH's first and
    last as the file's nearest non-blank line outside the window on that side.

    Otherwise the window is cut short or shifted: a SEARCH that lost an inner line scores a
    window one line shorter best, whose end is the line before the SEARCH's real last line.
    Accepting it would leave that line in place and add REPLACE's copy of it. On perturbed
    SEARCHes of third-party sources this refused 85 % of such wrong windows (169 of 200 with a
    dropped line) and no right one.
    """
    filled = [ln.strip() for ln in search if ln.strip()]
    inside = [k for k in range(window.start, window.end) if body[k].strip()]
    if not filled or not inside:
        return False
    before = next((k for k in range(window.start - 1, -1, -1) if body[k].strip()), None)
    after = next((k for k in range(window.end, len(body)) if body[k].strip()), None)

    def closer(outside: int | None, edge: int, line: str) -> bool:
        return outside is not None and ratio(body[outside].strip(), line) > ratio(
            body[edge].strip(), line
        )

    return not closer(before, inside[0], filled[0]) and not closer(after, inside[-1], filled[-1])
