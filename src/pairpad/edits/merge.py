"""Splicing a REPLACE into the matched region so the lines it does not change stay the file's.

On a tolerant rung the matched region differs from the SEARCH (trailing spaces, indentation,
extra blank lines, a misremembered line). Writing REPLACE verbatim would carry the SEARCH's
version of the lines REPLACE keeps unchanged into the file. Instead this is a small three-way
merge: base SEARCH, ours the file's region, theirs REPLACE. Lines REPLACE keeps come from the
file; lines it changes or adds come from REPLACE. Blank lines of the file that the SEARCH left
out are kept (before the next line of the file), and where they meet blank lines of REPLACE the
longer run wins, so a dropped blank context line does not double a blank line.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from difflib import SequenceMatcher
from typing import Literal

Source = Literal["replace", "kept", "extra"]


def align(search: Sequence[str], window: Sequence[str], one_to_one: bool) -> dict[int, int]:
    """SEARCH line index -> window line index, for the lines that correspond.

    On the exact, trailing-whitespace and indentation rungs the lines correspond one to one.
    Otherwise non-blank lines are paired first (a blank line is never a landmark: pairing the
    SEARCH's blank lines with some blank line of the file misplaces the file's own blank lines),
    and lines that differ pair up in order inside a differing stretch (a misremembered line).
    Then the blank lines between two paired lines (or before the first, after the last) pair
    one for one where SEARCH and file have the same number there: they are the same lines, so
    a REPLACE that removes one of them removes it from the file.
    """
    if one_to_one:
        return {i: i for i in range(min(len(search), len(window)))}
    left = [i for i, ln in enumerate(search) if ln.strip()]
    right = [k for k, ln in enumerate(window) if ln.strip()]
    a = [search[i].strip() for i in left]
    b = [window[k].strip() for k in right]
    pairs: dict[int, int] = {}
    for tag, i1, i2, k1, k2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag in ("equal", "replace"):
            pairs.update(zip(left[i1:i2], right[k1:k2], strict=False))
    anchors = [(-1, -1), *sorted(pairs.items()), (len(search), len(window))]
    for (i1, k1), (i2, k2) in itertools.pairwise(anchors):
        s_gap, w_gap = range(i1 + 1, i2), range(k1 + 1, k2)
        if len(s_gap) != len(w_gap):
            continue
        if all(not search[i].strip() for i in s_gap) and all(not window[k].strip() for k in w_gap):
            pairs.update(zip(s_gap, w_gap, strict=True))
    return pairs


def merge(
    window: Sequence[tuple[str, str]],
    search: Sequence[str],
    replace: Sequence[str],
    new_replace: Sequence[str],
    pairs: dict[int, int],
    *,
    exact: bool = False,
    replace_owns_blanks: bool = False,
    diff_hunk: bool = False,
) -> list[tuple[str, str | None]]:
    """The region's new lines: (body, the file's own ending or None for a new line).

    `window` is the matched region (body, ending); `new_replace` is `replace` re-indented for
    the file, line for line; `pairs` comes from `align`. `replace_owns_blanks`: the blank
    lines the file has and SEARCH lacks are dropped, REPLACE's blank lines being the intended
    layout (a SEARCH written without blank lines next to a REPLACE with them).
    `diff_hunk`: SEARCH and REPLACE are a hunk's sides, so its added blank lines are explicit
    additions, never merged with the file's; and the file's blank lines between two kept lines
    go before an insertion that ends, but does not start, with a blank line (a hunk that lost
    its blank context lines no longer says which side they stood on; this is git's layout).
    """
    out: list[tuple[str, str | None]] = []
    sources: list[Source] = []
    wp = 0  # the next window line not yet emitted or dropped

    def trailing_blank(source: Source) -> int:
        n = 0
        for (body, _), src in zip(reversed(out), reversed(sources), strict=True):
            if body.strip() or src != source:
                break
            n += 1
        return n

    def emit_window(upto: int) -> None:
        nonlocal wp
        extra = list(range(wp, upto))
        # blank lines only the file has, right after blank lines of REPLACE: the longer run wins
        skip = 0 if diff_hunk else min(trailing_blank("replace"), _leading(window, extra))
        for k in extra[skip:]:
            if replace_owns_blanks and not window[k][0].strip():
                continue
            out.append(window[k])
            sources.append("extra")
        wp = max(wp, upto)

    def emit_replace(j1: int, j2: int) -> None:
        lines = list(new_replace[j1:j2])
        skip = 0 if diff_hunk else min(trailing_blank("extra"), _leading_blank(lines))
        for line in lines[skip:]:
            out.append((line, None))
            sources.append("replace")

    # what REPLACE changes; on a tolerant rung trailing whitespace aside (a noisy SEARCH line
    # that REPLACE repeats is a kept line, not a change)
    def key(line: str) -> str:
        return line if exact else line.rstrip()

    for tag, i1, i2, j1, j2 in _opcodes([key(ln) for ln in search], [key(ln) for ln in replace]):
        if tag == "equal":
            for i in range(i1, i2):
                k = pairs.get(i)
                if k is None or k < wp:
                    continue  # a SEARCH line the file does not have (a blank line)
                emit_window(k)
                out.append(window[k])
                sources.append("kept")
                wp = k + 1
            continue
        taken = [pairs[i] for i in range(i1, i2) if i in pairs and pairs[i] >= wp]
        added = new_replace[j1:j2]
        if diff_hunk and not taken and added and added[0].strip() and not added[-1].strip():
            # an insertion that brings its blank line at its end: the file's blank lines
            # before the next kept line go before it
            later = [pairs[i] for i in range(i2, len(search)) if i in pairs and pairs[i] >= wp]
            if later and all(not window[k][0].strip() for k in range(wp, min(later))):
                emit_window(min(later))
        one_for_one = [pairs.get(i1 + d, -1) for d in range(i2 - i1)]
        increasing = all(a < b for a, b in itertools.pairwise(one_for_one))
        if tag == "replace" and i2 - i1 == j2 - j1 and min(one_for_one) >= wp and increasing:
            # line for line: each changed line takes its file line's place, and the file's
            # lines the SEARCH skipped between them (blank lines) stay
            for d, k in enumerate(one_for_one):
                emit_window(k)
                wp = k + 1
                emit_replace(j1 + d, j1 + d + 1)
            continue
        if taken:
            emit_window(min(taken))
            wp = max(taken) + 1  # the file's lines for the changed SEARCH lines go
        emit_replace(j1, j2)
    emit_window(len(window))
    return [
        (body, None if src == "replace" else end)
        for (body, end), src in zip(out, sources, strict=True)
    ]


def _opcodes(a: list[str], b: list[str]) -> list[tuple[str, int, int, int, int]]:
    """difflib's opcodes, with the common prefix and suffix taken first.

    SequenceMatcher starts from the longest common block, which can pair a kept line with an
    added copy of it (a function that gains a second `return None`); an edit is mostly one
    change between a kept head and a kept tail, so those are matched first.
    """
    n = min(len(a), len(b))
    p = 0
    while p < n and a[p] == b[p]:
        p += 1
    q = 0
    while q < n - p and a[len(a) - 1 - q] == b[len(b) - 1 - q]:
        q += 1
    ops: list[tuple[str, int, int, int, int]] = []
    if p:
        ops.append(("equal", 0, p, 0, p))
    middle = SequenceMatcher(None, a[p : len(a) - q], b[p : len(b) - q], autojunk=False)
    for tag, i1, i2, j1, j2 in middle.get_opcodes():
        ops.append((tag, i1 + p, i2 + p, j1 + p, j2 + p))
    if q:
        ops.append(("equal", len(a) - q, len(a), len(b) - q, len(b)))
    return ops


def _leading(window: Sequence[tuple[str, str]], indices: list[int]) -> int:
    n = 0
    for k in indices:
        if window[k][0].strip():
            break
        n += 1
    return n


def _leading_blank(lines: list[str]) -> int:
    n = 0
    for line in lines:
        if line.strip():
            break
        n += 1
    return n
