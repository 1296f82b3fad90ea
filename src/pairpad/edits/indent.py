"""Re-indenting a replacement to the indentation the file has where the SEARCH matched.

A model often drops the base indentation of a method, or writes spaces into a tab-indented
file. The replacement keeps its own relative structure (levels below its first line), measured
in its own step, and is rebuilt on the matched region's base indentation in the file's unit.
"""

from __future__ import annotations

from collections import Counter
from functools import reduce
from math import gcd

TAB_WIDTH = 4


def indent_of(line: str) -> str:
    return line[: len(line) - len(line.lstrip(" \t"))]


def width(indent: str) -> int:
    return sum(TAB_WIDTH if c == "\t" else 1 for c in indent)


def file_unit(body: tuple[str, ...] | list[str]) -> str:
    """The file's indentation unit: a tab, or its most common step of spaces (4 by default)."""
    tabs = spaces = 0
    steps: Counter[int] = Counter()
    previous = 0
    for line in body:
        if not line.strip():
            continue
        ind = indent_of(line)
        if ind.startswith("\t"):
            tabs += 1
        elif ind.startswith(" "):
            spaces += 1
        w = width(ind)
        if w > previous:
            steps[w - previous] += 1
        previous = w
    if tabs > spaces:
        return "\t"
    step = steps.most_common(1)[0][0] if steps else 4
    return " " * step


def _step(lines: list[str], base: int) -> int:
    rel = [width(indent_of(ln)) - base for ln in lines if ln.strip()]
    positive = [r for r in rel if r > 0]
    return reduce(gcd, positive) if positive else TAB_WIDTH


def _same_indentation(search: list[str], window: list[str]) -> bool:
    a = [indent_of(ln) for ln in search if ln.strip()]
    b = [indent_of(ln) for ln in window if ln.strip()]
    return a == b


def reindent(replace: list[str], search: list[str], window: list[str], unit: str) -> list[str]:
    """`replace` moved from the indentation of `search` to that of the file's `window`."""
    if _same_indentation(search, window):
        return replace
    s_lines = [ln for ln in search if ln.strip()]
    w_lines = [ln for ln in window if ln.strip()]
    if not s_lines or not w_lines:
        return replace
    s_base = min(width(indent_of(ln)) for ln in s_lines)
    w_base = min((indent_of(ln) for ln in w_lines), key=width)
    step = _step(s_lines + replace, s_base)
    out: list[str] = []
    for line in replace:
        if not line.strip():
            out.append("")
            continue
        rel = width(indent_of(line)) - s_base
        levels, extra = divmod(rel, step)
        if levels >= 0:
            new_indent = w_base + unit * levels + " " * extra
        else:
            cut = len(unit) * -levels
            new_indent = w_base[: max(0, len(w_base) - cut)]
        out.append(new_indent + line.lstrip(" \t"))
    return out
