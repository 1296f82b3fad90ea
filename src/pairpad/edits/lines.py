"""A file's text as lines with their own endings, so CRLF and a missing final newline survive."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FileLines:
    body: tuple[str, ...]  # each line without its ending
    ends: tuple[str, ...]  # "\n", "\r\n", or "" (the last line of a file without final newline)

    @property
    def eol(self) -> str:
        """The ending new lines get: the file's majority, LF for a file without line ends."""
        crlf = sum(1 for e in self.ends if e == "\r\n")
        lf = sum(1 for e in self.ends if e == "\n")
        return "\r\n" if crlf > lf else "\n"

    @property
    def final_newline(self) -> bool:
        return not self.ends or self.ends[-1] != ""

    def text(self) -> str:
        return "".join(b + e for b, e in zip(self.body, self.ends, strict=True))


def split_file(text: str) -> FileLines:
    # str.splitlines would also split on \f, \v and U+2028, which are content, not line ends.
    parts = text.split("\n")
    body: list[str] = []
    ends: list[str] = []
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        if last:
            if part:
                body.append(part)
                ends.append("")
            break
        if part.endswith("\r"):
            body.append(part[:-1])
            ends.append("\r\n")
        else:
            body.append(part)
            ends.append("\n")
    return FileLines(tuple(body), tuple(ends))


def split_pattern(text: str) -> list[str]:
    """SEARCH/REPLACE text as lines: any line ending accepted, one final newline not a line."""
    if not text:
        return []
    text = text.replace("\r\n", "\n")
    if text.endswith("\n"):
        text = text[:-1]
    return text.split("\n")  # "\n" is one blank line


def splice(lines: FileLines, start: int, end: int, new: list[tuple[str, str | None]]) -> FileLines:
    """Replace lines[start:end] by `new` ((body, ending or None for the file's own ending)).

    A file without a final newline keeps lacking one when the change reaches its end.
    """
    eol = lines.eol
    had_final = lines.final_newline
    body = list(lines.body[:start])
    ends = list(lines.ends[:start])
    for b, e in new:
        body.append(b)
        ends.append(eol if e is None or e == "" else e)
    body.extend(lines.body[end:])
    ends.extend(lines.ends[end:])
    # the ending of the last line: a kept line keeps its own; a new last line follows the file
    if end >= len(lines.body) and body:
        ends[-1] = ends[-1] if had_final else ""
        if had_final and ends[-1] == "":
            ends[-1] = eol
    return FileLines(tuple(body), tuple(ends))


def set_final_newline(text: str, final: bool) -> str:
    lines = split_file(text)
    if not lines.body:
        return text
    ends = list(lines.ends)
    ends[-1] = (lines.eol if ends[-1] == "" else ends[-1]) if final else ""
    return FileLines(lines.body, tuple(ends)).text()


def join_new(lines: list[str], eol: str = "\n", final_newline: bool = True) -> str:
    """Content from pattern lines (a created or replaced whole file)."""
    if not lines:
        return ""
    return eol.join(lines) + (eol if final_newline else "")
