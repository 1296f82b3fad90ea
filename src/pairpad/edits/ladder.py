"""The exact-to-tolerant rungs that locate a SEARCH in a file, each a pure function.

Every rung takes the file's lines and the SEARCH lines and returns all the places it matches
as (start, end) line indices (0-based, end exclusive). The caller takes the first rung that
matches at all; several places on that rung is an ambiguity, never "the first one".
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

Match = tuple[int, int]
Rung = Callable[[Sequence[str], Sequence[str]], list[Match]]


def _find(keys: list[str], pattern: list[str]) -> list[int]:
    n = len(pattern)
    if n == 0 or n > len(keys):
        return []
    first = pattern[0]
    return [i for i in range(len(keys) - n + 1) if keys[i] == first and keys[i : i + n] == pattern]


def exact(body: Sequence[str], search: Sequence[str]) -> list[Match]:
    n = len(search)
    return [(i, i + n) for i in _find(list(body), list(search))]


def trailing_ws(body: Sequence[str], search: Sequence[str]) -> list[Match]:
    """Lines equal once trailing spaces and tabs are ignored on both sides."""
    n = len(search)
    keys = [ln.rstrip() for ln in body]
    return [(i, i + n) for i in _find(keys, [ln.rstrip() for ln in search])]


def indent(body: Sequence[str], search: Sequence[str]) -> list[Match]:
    """Lines equal once leading indentation (and trailing whitespace) is ignored."""
    n = len(search)
    keys = [ln.strip() for ln in body]
    return [(i, i + n) for i in _find(keys, [ln.strip() for ln in search])]


def blank_lines(body: Sequence[str], search: Sequence[str]) -> list[Match]:
    """The non-blank lines equal (indentation ignored) with any blank lines between them.

    The match spans the file from the first to the last matched non-blank line.
    """
    wanted = [ln.strip() for ln in search if ln.strip()]
    if not wanted:
        return []
    positions = [i for i, ln in enumerate(body) if ln.strip()]
    keys = [body[i].strip() for i in positions]
    m = len(wanted)
    return [(positions[k], positions[k + m - 1] + 1) for k in _find(keys, wanted)]


# The rungs in the order they are tried, by the names the plan reports.
RUNGS: tuple[tuple[str, Rung], ...] = (
    ("exact", exact),
    ("trailing_ws", trailing_ws),
    ("indent", indent),
    ("blank_lines", blank_lines),
)


def first_rung(body: Sequence[str], search: Sequence[str]) -> tuple[str, list[Match]] | None:
    """The first rung that matches at all, with all its matches."""
    for name, rung in RUNGS:
        found = rung(body, search)
        if found:
            return name, found
    return None
