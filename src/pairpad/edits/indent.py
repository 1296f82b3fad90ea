"""Re-indenting a replacement to the indentation the file has where the SEARCH matched.

A model often drops the base indentation of a method, or writes spaces into a tab-indented
file. The replacement keeps its relative structure (columns beyond the SEARCH's base), scaled
only when the lines SEARCH and file share show a consistent ratio (a 2-space edit to a 4-space
file), rebuilt on the matched region's base indentation in the file's unit (tabs or spaces).
"""

from __future__ import annotations

from collections import Counter

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


def _scale(search: list[str], window: list[str], s_base: int, w_base: int) -> float:
    """How the file's relative indentation compares with the SEARCH's (2.0: it uses 4 where the
    SEARCH uses 2), from the lines they share; 1 when unclear, so odd docstring indentation is
    moved, never stretched."""
    ratios = []
    for s_line, w_line in zip(search, window, strict=False):
        s_rel = width(indent_of(s_line)) - s_base
        if s_rel > 0:
            ratios.append((width(indent_of(w_line)) - w_base) / s_rel)
    if ratios and ratios[0] > 0 and all(abs(r - ratios[0]) < 1e-9 for r in ratios):
        return ratios[0]
    return 1.0


def _build(columns: int, unit: str) -> str:
    return (
        "\t" * (columns // TAB_WIDTH) + " " * (columns % TAB_WIDTH)
        if unit == "\t"
        else " " * columns
    )


def _cut(indent: str, columns: int) -> str:
    """`indent` made `columns` narrower (from its end)."""
    out = indent
    while columns > 0 and out:
        columns -= width(out[-1])
        out = out[:-1]
    return out


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
    scale = _scale(s_lines, w_lines, s_base, width(w_base))
    out: list[str] = []
    for line in replace:
        if not line.strip():
            out.append("")
            continue
        rel = round((width(indent_of(line)) - s_base) * scale)
        new_indent = w_base + _build(rel, unit) if rel >= 0 else _cut(w_base, -rel)
        out.append(new_indent + line.lstrip(" \t"))
    return out
