"""The hunks of one file of a change set, and the text its review states leave (pure).

A hunk is one run of changed lines between the file before the change set and the AI's
result (difflib's non-equal opcodes, no context). Reviewing never recomputes them: a
rejected hunk puts its old lines back, an accepted or pending one keeps the new lines, so
the same indices stay valid however many hunks were reviewed, in whatever order.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Literal

HunkState = Literal["pending", "accepted", "rejected"]


@dataclass(frozen=True)
class Span:
    """One hunk of the AI's change: lines [old_start, old_end) of before became
    [new_start, new_end) of the AI's result (0-based, half-open)."""

    old_start: int
    old_end: int
    new_start: int
    new_end: int


@dataclass(frozen=True)
class PlacedHunk:
    """A hunk where it is now, in 1-based lines as the diff editor shows them."""

    index: int
    state: HunkState
    old_start: int
    old_lines: int
    new_start: int  # in the text the states leave
    new_lines: int


def split_lines(text: str | None) -> list[str]:
    return [] if text is None else text.splitlines(keepends=True)


def spans(before: str | None, after: str | None) -> list[Span]:
    old, new = split_lines(before), split_lines(after)
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    return [Span(i1, i2, j1, j2) for tag, i1, i2, j1, j2 in matcher.get_opcodes()
            if tag != "equal"]


def effective(before: str | None, after: str | None, states: list[HunkState]) -> str:
    """The text a file holds when each rejected hunk has its old lines back."""
    old, new = split_lines(before), split_lines(after)
    out: list[str] = []
    cursor = 0  # in `old`
    for span, state in zip(spans(before, after), states, strict=True):
        out += old[cursor:span.old_start]
        out += old[span.old_start:span.old_end] if state == "rejected" else \
            new[span.new_start:span.new_end]
        cursor = span.old_end
    out += old[cursor:]
    return "".join(out)


def placed(before: str | None, after: str | None, states: list[HunkState]) -> list[PlacedHunk]:
    """Each hunk with its line numbers in `before` and in the text the states leave."""
    result: list[PlacedHunk] = []
    shift = 0  # lines the effective text has more than `before`, up to here
    for index, (span, state) in enumerate(zip(spans(before, after), states, strict=True)):
        old_lines = span.old_end - span.old_start
        new_lines = old_lines if state == "rejected" else span.new_end - span.new_start
        # An empty side is placed after the line before it (as unified diffs count).
        old_start = span.old_start + 1 if old_lines else span.old_start
        new_first = span.old_start + shift
        result.append(PlacedHunk(index, state, old_start, old_lines,
                                 new_first + 1 if new_lines else new_first, new_lines))
        shift += new_lines - old_lines
    return result


def unified(path: str, before: str | None, after: str | None) -> str:
    """A `git diff`-style text of one file's change ('' when nothing changes)."""
    if before == after:
        return ""
    old_name = f"a/{path}" if before is not None else "/dev/null"
    new_name = f"b/{path}" if after is not None else "/dev/null"
    lines = difflib.unified_diff(split_lines(before), split_lines(after), old_name, new_name)
    return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n"
                   for line in lines)
