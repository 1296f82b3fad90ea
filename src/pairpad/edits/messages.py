"""The refusals, worded for a model: what failed, where, and what to send instead."""

from __future__ import annotations

from pairpad.edits.fuzzy import MIN_LINES, Window
from pairpad.edits.ladder import Match
from pairpad.edits.models import Closest

_RUNG_WORDS = {
    "exact": "exactly",
    "trailing_ws": "when trailing whitespace is ignored",
    "indent": "when indentation is ignored",
    "blank_lines": "when blank lines are ignored",
    "elision": "with its `...` lines",
}


def _span(start: int, end: int) -> str:
    return f"line {start + 1}" if end - start <= 1 else f"lines {start + 1}-{end}"


def ambiguous(matches: list[Match], rung: str) -> str:
    places = ", ".join(_span(a, b) for a, b in matches)
    return (
        f"SEARCH matches {len(matches)} places {_RUNG_WORDS.get(rung, '')} ({places}), so "
        "nothing was changed. Add a few unchanged lines before or after the change to SEARCH "
        "(and REPLACE), copied exactly from the file, so that it matches only one place."
    )


def fuzzy_tie(best: Window, runner: Window) -> str:
    return (
        "SEARCH matches nothing exactly, and is about as similar to "
        f"{_span(best.start, best.end)} ({best.score:.0%}) as to "
        f"{_span(runner.start, runner.end)} ({runner.score:.0%}), so nothing was changed. "
        "Copy SEARCH exactly from the lines you mean, with enough surrounding lines to be unique."
    )


def not_found(closest: Closest | None, score: float | None, fuzzy_tried: bool, lines: int) -> str:
    tried = "exact, ignoring trailing whitespace, ignoring indentation, ignoring blank lines"
    if fuzzy_tried:
        tried += ", similar text"
    head = f"SEARCH matches nothing in the file (tried: {tried})."
    if lines == 0:
        return (
            f"{head} The file is empty: to give it content send an empty SEARCH and the "
            "content as REPLACE."
        )
    if closest is None:
        return f"{head} Send the block again with SEARCH copied exactly from the file's lines."
    similar = f", {score:.0%} similar" if score is not None else ""
    short = (
        ""
        if fuzzy_tried
        else f" (a SEARCH of fewer than {MIN_LINES} non-blank lines must match exactly)"
    )
    region = closest.text if closest.text.endswith("\n") else closest.text + "\n"
    return (
        f"{head}{short} The most similar region is lines {closest.start_line}-"
        f"{closest.end_line}{similar}:\n{region}"
        "Send the block again with SEARCH copied exactly from the file's current lines."
    )


def empty_search_on_file(lines: int) -> str:
    return (
        f"SEARCH is empty, which creates a new file, but this file exists ({lines} lines). "
        "To change it, put the lines to replace in SEARCH; to replace all of it, send the "
        "whole new content of the file instead."
    )


def unplaceable(first: int, last: int, before: str) -> str:
    where = f"line {first}" if first == last else f"lines {first}-{last}"
    return (
        f"The file has blank lines ({where}) after `{before}` that the hunk's context lacks, "
        "and the hunk adds lines there, so it is unclear whether they go before or after those "
        "blank lines; nothing was changed. Send the hunk again with every context line copied "
        "exactly from the file, blank lines included."
    )
