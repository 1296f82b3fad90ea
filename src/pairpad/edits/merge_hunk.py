"""A diff hunk merged into its matched region, following the hunk's own line order.

A hunk lists its lines in file order: context lines, and groups of removed lines each followed
by the lines added in their place. That order, not a diff of SEARCH against REPLACE, says where
each added line goes. It decides where the file has lines the hunk lacks, which on the
blank-line and fuzzy rungs are blank context lines the hunk lost:
- added lines that follow removed lines take their place, before the file's blank lines that
  come next (every diff tool writes a changed line as its removed line, then its added line);
- added lines just before a group of removed lines come before the file's blank lines that
  stand before that group (within a group, removed lines come first, so context stood there);
- a pure insertion between two context lines that the file separates by blank lines goes by
  its own blank edge: one ending on a blank line goes after the file's blank lines, one
  starting with a blank line before them. With no blank edge, or blank edges on both sides,
  either place is as likely, and the hunk is refused (`Unplaceable`).
Blank lines the hunk adds are additions, never merged with the file's blank lines.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


class Unplaceable(Exception):
    """The file's lines `start`..`end` (window indices, end exclusive) are blank lines the hunk
    lacks, and its added lines may stand before or after them."""

    def __init__(self, start: int, end: int) -> None:
        super().__init__(f"window lines {start}-{end}")
        self.start = start
        self.end = end


@dataclass(frozen=True)
class Group:
    context: bool  # context lines, or a change: removed lines then added lines
    old: range  # SEARCH line indices
    new: range  # REPLACE line indices


def groups(tags: str) -> list[Group]:
    """The hunk as context runs and change groups; a '-' after a '+' starts a new group."""
    out: list[Group] = []
    i = j = 0  # next SEARCH / REPLACE line
    pos = 0
    while pos < len(tags):
        if tags[pos] == " ":
            end = pos
            while end < len(tags) and tags[end] == " ":
                end += 1
            n = end - pos
            out.append(Group(True, range(i, i + n), range(j, j + n)))
            i, j, pos = i + n, j + n, end
            continue
        dels = adds = 0
        while pos < len(tags) and tags[pos] == "-" and not adds:
            dels, pos = dels + 1, pos + 1
        while pos < len(tags) and tags[pos] == "+":
            adds, pos = adds + 1, pos + 1
        out.append(Group(False, range(i, i + dels), range(j, j + adds)))
        i, j = i + dels, j + adds
    return out


def merge_hunk(
    window: Sequence[tuple[str, str]],
    tags: str,
    search: Sequence[str],
    new_replace: Sequence[str],
    pairs: dict[int, int],
) -> list[tuple[str, str | None]]:
    """The region's new lines: (body, the file's own ending, or None for an added line).

    `window` is the matched region (body, ending); `search` the SEARCH side; `new_replace` the
    REPLACE side re-indented for the file; `pairs` maps SEARCH line indices to the window lines
    they matched.
    """
    paired = set(pairs.values())
    out: list[tuple[str, str | None]] = []
    wp = 0  # the next window line not yet emitted or dropped

    def keep_upto(k: int) -> None:
        nonlocal wp
        out.extend(window[wp:k])
        wp = max(wp, k)

    parts = groups(tags)
    for g, group in enumerate(parts):
        if group.context:
            for i in group.old:
                k = pairs.get(i)
                if k is None or k < wp:
                    continue  # a context line the file does not have (a blank line)
                keep_upto(k)
                out.append(window[k])
                wp = k + 1
            continue
        added: list[tuple[str, str | None]] = [(new_replace[j], None) for j in group.new]
        taken = _removed(window, search, group.old, pairs, paired, wp)
        if taken:
            keep_upto(taken[0])
            # blank lines the hunk lacks among its removed lines (lost context) stay, before
            # the added lines, which follow the group's last removed line
            gone = set(taken)
            out.extend(
                window[k]
                for k in range(taken[0], taken[-1] + 1)
                if k not in gone and not window[k][0].strip()
            )
            wp = taken[-1] + 1
            out.extend(added)
            continue
        if any(body.strip() for body, _ in added):
            before_change = g + 1 < len(parts) and not parts[g + 1].context
            gap = _blank_gap(window, pairs, group.old.stop, wp)
            if gap is not None and not before_change:
                first_blank = not added[0][0].strip()
                last_blank = not added[-1][0].strip()
                if first_blank == last_blank:
                    raise Unplaceable(wp, gap)
                if last_blank:
                    keep_upto(gap)  # the insertion brings its own blank line after it
        out.extend(added)
    keep_upto(len(window))
    return out


def _removed(
    window: Sequence[tuple[str, str]],
    search: Sequence[str],
    old: range,
    pairs: dict[int, int],
    paired: set[int],
    wp: int,
) -> list[int]:
    """The window lines a group removes: its paired lines, and for a removed blank line the
    file has no pair for (the file has more blank lines there), the next unpaired blank line."""
    taken: list[int] = []
    cursor = wp
    for i in old:
        k = pairs.get(i)
        if k is not None and k >= cursor:
            taken.append(k)
            cursor = k + 1
        elif (
            k is None
            and not search[i].strip()
            and cursor < len(window)
            and cursor not in paired
            and not window[cursor][0].strip()
        ):
            taken.append(cursor)
            cursor += 1
    return taken


def _blank_gap(
    window: Sequence[tuple[str, str]], pairs: dict[int, int], after: int, wp: int
) -> int | None:
    """The window index ending the run of blank lines the hunk lacks at `wp` (None: none).

    The run stands between the last emitted window line and the next SEARCH line (from index
    `after` on) that the file has.
    """
    later = [k for i, k in pairs.items() if i >= after and k >= wp]
    if not later:
        return None
    nxt = min(later)
    if nxt == wp or wp == 0:
        return None
    if any(window[k][0].strip() for k in range(wp, nxt)):
        return None
    return nxt
