"""Whole-file replacement: the new content of one or more files.

A text is fenced when its first non-blank line opens a fence (or is a path line followed by
one), or its last non-blank line closes one (a model's "Here is the file: ```...```"). Then
each fenced block is a file: its path is in the fence's info string or on the line before
the fence, else the `path` given (allowed for a single block only). Otherwise the whole text
is the content of `path`.
"""

from __future__ import annotations

import re

from pairpad.edits.models import EditBlock, EditParseError
from pairpad.edits.paths import clean, path_on_line

FENCE = re.compile(r"^\s*(`{3,}|~{3,})\s*(\S*)\s*(\S*)\s*$")


def parse(text: str, path: str | None = None) -> list[tuple[str, EditBlock]]:
    lines = text.replace("\r\n", "\n").split("\n")
    if not _fenced(lines):
        if path is None:
            raise EditParseError(
                "The text is neither SEARCH/REPLACE blocks nor a unified diff, and names no "
                "file for a whole-file replacement. Put the file's path on its own line, then "
                "the complete new content in a fenced code block."
            )
        return [(clean(path), EditBlock(index=0, kind="whole", replace=text))]
    out: list[tuple[str, EditBlock]] = []
    i = 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        fence = m.group(1)
        named = next((t for t in (m.group(3), m.group(2)) if t and path_on_line(t)), None)
        if named is None:
            j = i - 1
            while j >= 0 and not lines[j].strip():
                j -= 1
            named = path_on_line(lines[j]) if j >= 0 else None
        end = i + 1
        while end < len(lines) and not _closes(lines[end], fence):
            end += 1
        if end >= len(lines):
            raise EditParseError(
                f"The fenced block opened at line {i + 1} of the text is not closed: end it "
                f"with a line {fence}."
            )
        block_path = named if named is not None else path
        if block_path is None or (named is None and out):
            raise EditParseError(
                f"The fenced block at line {i + 1} of the text names no file: write the file's "
                "path on its own line just before the opening fence."
            )
        content = "".join(ln + "\n" for ln in lines[i + 1 : end])
        out.append((clean(block_path), EditBlock(index=len(out), kind="whole", replace=content)))
        i = end + 1
    return out


def _fenced(lines: list[str]) -> bool:
    filled = [ln for ln in lines if ln.strip()]
    if not filled:
        return False
    if FENCE.match(filled[0]) or (
        len(filled) > 1 and path_on_line(filled[0]) and FENCE.match(filled[1])
    ):
        return True
    return filled[-1].strip() in ("```", "~~~") or bool(
        re.fullmatch(r"\s*(`{3,}|~{3,})\s*", filled[-1])
    )


def _closes(line: str, fence: str) -> bool:
    stripped = line.strip()
    return stripped.startswith(fence[0] * len(fence)) and not stripped.strip(fence[0])
