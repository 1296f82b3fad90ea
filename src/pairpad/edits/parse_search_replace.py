"""SEARCH/REPLACE blocks: a path line, `<<<<<<< SEARCH`, old lines, `=======`, new lines,
`>>>>>>> REPLACE`. Blocks may sit in fenced code blocks, several per file and per text.

The path of a block is the line just before its `<<<<<<< SEARCH` or just before the fence that
opens it (or a path in the fence's info string: ```` ```python src/a.py ````). A block
without one belongs to the previous block's file, or, for the first, to the `path` given.
"""

from __future__ import annotations

import re

from pairpad.edits.models import EditBlock, EditParseError
from pairpad.edits.paths import clean, path_on_line

SEARCH_MARK = re.compile(r"^\s*<{5,9} ?SEARCH\s*$")
DIVIDER = re.compile(r"^\s*={5,9}\s*$")
REPLACE_MARK = re.compile(r"^\s*>{5,9} ?REPLACE\s*$")
FENCE = re.compile(r"^\s*(`{3,}|~{3,})\s*(\S*)\s*(\S*)\s*$")

SHAPE = (
    "Write each edit as: the file's path on its own line, then a line <<<<<<< SEARCH, the "
    "exact lines to replace, a line =======, the new lines, and a line >>>>>>> REPLACE."
)


def parse(text: str, path: str | None = None) -> list[tuple[str, EditBlock]]:
    """The blocks of `text` with their paths, in order."""
    lines = text.replace("\r\n", "\n").split("\n")
    out: list[tuple[str, EditBlock]] = []
    last_path: str | None = None
    outside: list[str] = []  # lines between blocks: prose, fences, paths
    i = 0
    while i < len(lines):
        if not SEARCH_MARK.match(lines[i]):
            if DIVIDER.match(lines[i]) or REPLACE_MARK.match(lines[i]):
                raise EditParseError(
                    f"Line {i + 1} of the text ({lines[i].strip()}) comes before any "
                    f"<<<<<<< SEARCH line. {SHAPE}"
                )
            outside.append(lines[i])
            i += 1
            continue
        n = len(out)
        start = i
        named = _path_before(lines, i)
        block_path = named or last_path or path
        if block_path is None:
            raise EditParseError(
                f"Block {n + 1} (line {start + 1} of the text) names no file: write the file's "
                "path on its own line just before <<<<<<< SEARCH (or before the opening fence)."
            )
        search, i = _collect(lines, i + 1, DIVIDER, n, start, "=======")
        replace, i = _collect(lines, i + 1, REPLACE_MARK, n, start, ">>>>>>> REPLACE")
        block_path = clean(block_path)
        last_path = block_path
        out.append(
            (
                block_path,
                EditBlock(index=n, kind="replace", search=_join(search), replace=_join(replace)),
            )
        )
        i += 1
    if not out:
        raise EditParseError(f"The text holds no <<<<<<< SEARCH block. {SHAPE}")
    _refuse_a_diff_among(outside)
    return out


def _refuse_a_diff_among(outside: list[str]) -> None:
    """A unified diff beside the blocks would otherwise be dropped without a word."""
    headers = any(line.startswith("+++ ") for line in outside)
    hunks = any(line.startswith("@@ ") and "@@" in line[3:] for line in outside)
    if headers and hunks:
        raise EditParseError(
            "The text mixes SEARCH/REPLACE blocks with a unified diff; only one format can be "
            f"applied at a time. Send the diff's changes as SEARCH/REPLACE blocks too. {SHAPE}"
        )


def _collect(
    lines: list[str], i: int, end: re.Pattern[str], n: int, start: int, wanted: str
) -> tuple[list[str], int]:
    got: list[str] = []
    while i < len(lines):
        line = lines[i]
        if end.match(line):
            return got, i
        if SEARCH_MARK.match(line) or (wanted == "=======" and REPLACE_MARK.match(line)):
            break
        got.append(line)
        i += 1
    if wanted == "=======":
        problem = "has no ======= line between its SEARCH and REPLACE parts"
    else:
        problem = "is not closed: it has no >>>>>>> REPLACE line"
    raise EditParseError(
        f"Block {n + 1} (starting at line {start + 1} of the text) {problem}. {SHAPE}"
    )


def _path_before(lines: list[str], i: int) -> str | None:
    j = _previous_non_blank(lines, i)
    if j is None:
        return None
    fence = FENCE.match(lines[j])
    if fence:
        for token in (fence.group(3), fence.group(2)):
            if token and path_on_line(token):
                return path_on_line(token)
        k = _previous_non_blank(lines, j)
        return path_on_line(lines[k]) if k is not None else None
    return path_on_line(lines[j])


def _previous_non_blank(lines: list[str], i: int) -> int | None:
    j = i - 1
    while j >= 0 and not lines[j].strip():
        j -= 1
    return j if j >= 0 else None


def _join(lines: list[str]) -> str:
    return "".join(ln + "\n" for ln in lines)
