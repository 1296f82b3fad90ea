"""`rg --json` output → `SearchMatch` records, with bounded memory and CPU per message.

A line of N characters that matches everywhere makes rg write one submatch object per
match, about 50·N bytes of JSON on one line (10 MB for 200,000 characters). Messages up to
`MESSAGE_CAP` bytes are parsed with `json`; a longer one is scanned as it streams: its path
and line text are kept (the text is bounded by rg's `--max-filesize`), the line number and
the first `MAX_RANGES` submatches are picked out, and the rest is skipped unparsed.
(rg's own `--max-columns` is ignored by its JSON printer, so it cannot do this for us.)

Character columns are computed in one pass over the line, and a line longer than
`PREVIEW_CHARS` is cut to a window around its first match, marked with `…`.
"""

from __future__ import annotations

import base64
import json
import re
from enum import Enum

from pairpad.workspace.models import SearchMatch

PREVIEW_CHARS = 1000  # minified files: the UI needs a preview, not a megabyte line
PREVIEW_BEFORE = 100  # characters kept before the first match when a long line is cut
CUT = "…"
MAX_RANGES = 100  # highlighted matches per line; a line of 200,000 hits needs no more
MESSAGE_CAP = 256 * 1024  # larger messages are scanned, not parsed
_HEAD_CAP = 64 * 1024  # the path comes first; escaped, even PATH_MAX fits in this
_TEXT_CAP = 64 * 1024 * 1024  # escaped line text: 6 times a 5 MiB limit, with room
_CARRY = 64  # bytes kept between chunks so a marker split across them is still found

_LINES_START = re.compile(rb',"lines":\{"(text|bytes)":"')
# Inside a JSON string every `"` is escaped, so these markers only occur as structure.
_TEXT_END = b'"},"line_number":'
_NUMBERS = re.compile(rb'(\d+|null),"absolute_offset":\d+,"submatches":\[')
_SUBMATCH = re.compile(rb'"start":(\d+),"end":(\d+)\}')


class MatchParser:
    """Feed rg's stdout in chunks of any size; get the completed matches back."""

    def __init__(self, *, message_cap: int = MESSAGE_CAP) -> None:
        self.message_cap = message_cap
        self._message = bytearray()
        self._long: _LongMessage | None = None

    @property
    def buffered(self) -> int:
        """Bytes held for the message in progress (for tests: memory stays bounded)."""
        return self._long.buffered if self._long else len(self._message)

    def feed(self, chunk: bytes) -> list[SearchMatch]:
        matches: list[SearchMatch] = []
        view = memoryview(chunk)
        start = 0
        while start < len(chunk):
            end = chunk.find(b"\n", start)
            self._append(view[start : len(chunk) if end == -1 else end])
            if end == -1:
                break
            matches.extend(self._complete())
            start = end + 1
        return matches

    def close(self) -> list[SearchMatch]:
        """A last message without a trailing newline."""
        return self._complete()

    def _append(self, piece: memoryview) -> None:
        if self._long is not None:
            self._long.feed(piece)
            return
        self._message += piece
        if len(self._message) > self.message_cap:
            self._long = _LongMessage()
            self._long.feed(memoryview(self._message))
            self._message = bytearray()

    def _complete(self) -> list[SearchMatch]:
        if self._long is not None:
            match = self._long.finish()
            self._long = None
        else:
            match = _parse_match(bytes(self._message)) if self._message else None
            self._message.clear()
        return [match] if match is not None else []


def _parse_match(line: bytes) -> SearchMatch | None:
    """One whole JSON message; None for anything but a match on an addressable path."""
    try:
        message = json.loads(line)
    except ValueError:
        return None
    if message.get("type") != "match":
        return None
    data = message["data"]
    path = _text(data["path"])
    if path is None:
        return None  # a file name that is not UTF-8 cannot be addressed by the API
    offsets = [
        (int(sub["start"]), int(sub["end"])) for sub in data.get("submatches", [])[:MAX_RANGES]
    ]
    line_number = data.get("line_number")
    return build_match(path, int(line_number or 0), _bytes(data["lines"]), offsets)


def build_match(
    path: str, line_number: int, raw_line: bytes, offsets: list[tuple[int, int]]
) -> SearchMatch:
    ranges = _char_ranges(raw_line, offsets[:MAX_RANGES])
    text = raw_line.decode("utf-8", "replace").rstrip("\r\n")
    preview, text_start = _window(text, ranges[0][0] - 1 if ranges else 0)
    return SearchMatch(
        path=path.removeprefix("./"),
        line=line_number,
        column=ranges[0][0] if ranges else 1,
        text=preview,
        text_start=text_start,
        ranges=ranges,
    )


def _char_ranges(line: bytes, offsets: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """rg reports byte offsets; editors count characters (1-based). One pass per line:
    each stretch between two offsets is decoded once, never the prefix again per match."""
    columns: dict[int, int] = {}
    chars = 0
    previous = 0
    for offset in sorted({point for pair in offsets for point in pair}):
        offset = min(max(offset, previous), len(line))
        chars += len(line[previous:offset].decode("utf-8", "replace"))
        columns[offset] = chars + 1
        previous = offset
    return [
        (columns[min(max(start, 0), len(line))], columns[min(max(end, 0), len(line))])
        for start, end in offsets
    ]


def _window(text: str, first: int) -> tuple[str, int]:
    """The preview of a line and the 1-based column its first character (after `…`) has."""
    if len(text) <= PREVIEW_CHARS:
        return text, 1
    start = max(0, min(first - PREVIEW_BEFORE, len(text) - PREVIEW_CHARS))
    end = start + PREVIEW_CHARS
    preview = (CUT if start else "") + text[start:end] + (CUT if end < len(text) else "")
    return preview, start + 1


def _text(field: dict[str, str]) -> str | None:
    if "text" in field:
        return field["text"]
    try:
        return base64.b64decode(field["bytes"]).decode("utf-8")
    except (KeyError, ValueError):
        return None


def _bytes(field: dict[str, str]) -> bytes:
    if "text" in field:
        return field["text"].encode("utf-8")
    return base64.b64decode(field.get("bytes", ""))


class _Stage(Enum):
    HEAD = 1  # up to the line text: type and path
    TEXT = 2  # the line text, kept whole (bounded by the file-size limit)
    NUMBERS = 3  # line number
    SUBMATCHES = 4  # the first MAX_RANGES offsets
    DONE = 5  # have all we need; the rest is skipped
    SKIP = 6  # not a match, or not addressable


class _LongMessage:
    """One oversized message, scanned piece by piece."""

    def __init__(self) -> None:
        self._stage = _Stage.HEAD
        self._buffer = bytearray()
        self._searched = 0  # bytes of the buffer already searched for the next marker
        self._path: str | None = None
        self._encoding = b"text"
        self._text = b""
        self._line_number = 0
        self._offsets: list[tuple[int, int]] = []

    @property
    def buffered(self) -> int:
        return len(self._buffer) + len(self._text)

    def feed(self, piece: memoryview) -> None:
        if self._stage in (_Stage.DONE, _Stage.SKIP):
            return
        self._buffer += piece
        previous = None
        while self._stage != previous:  # one piece can complete several stages
            previous = self._stage
            if self._stage is _Stage.HEAD:
                self._head()
            elif self._stage is _Stage.TEXT:
                self._line_text()
            elif self._stage is _Stage.NUMBERS:
                self._numbers()
            elif self._stage is _Stage.SUBMATCHES:
                self._submatches()
        if self._stage in (_Stage.DONE, _Stage.SKIP):
            self._buffer = bytearray()

    def finish(self) -> SearchMatch | None:
        if self._stage not in (_Stage.SUBMATCHES, _Stage.DONE) or self._path is None:
            return None
        if self._encoding == b"text":
            try:
                raw = json.loads(b'"' + self._text + b'"').encode("utf-8", "surrogatepass")
            except ValueError:
                return None
        else:
            raw = base64.b64decode(self._text)
        return build_match(self._path, self._line_number, raw, self._offsets)

    def _head(self) -> None:
        found = _LINES_START.search(self._buffer)
        if found is None:
            if len(self._buffer) > _HEAD_CAP:
                self._stage = _Stage.SKIP
            return
        try:
            head = json.loads(bytes(self._buffer[: found.start()]) + b"}}")
        except ValueError:
            head = {}
        path = _text(head.get("data", {}).get("path", {})) if head.get("type") == "match" else None
        if path is None:
            self._stage = _Stage.SKIP
            return
        self._path, self._encoding = path, found.group(1)
        del self._buffer[: found.end()]
        self._searched = 0
        self._stage = _Stage.TEXT

    def _line_text(self) -> None:
        end = self._buffer.find(_TEXT_END, self._searched)
        if end == -1:
            self._searched = max(0, len(self._buffer) - len(_TEXT_END))
            if len(self._buffer) > _TEXT_CAP:
                self._stage = _Stage.SKIP
            return
        self._text = bytes(self._buffer[:end])
        del self._buffer[: end + len(_TEXT_END)]
        self._stage = _Stage.NUMBERS

    def _numbers(self) -> None:
        found = _NUMBERS.match(self._buffer)
        if found is None:
            if len(self._buffer) > _CARRY:
                self._stage = _Stage.SKIP
            return
        self._line_number = 0 if found.group(1) == b"null" else int(found.group(1))
        del self._buffer[: found.end()]
        self._stage = _Stage.SUBMATCHES

    def _submatches(self) -> None:
        consumed = 0
        for found in _SUBMATCH.finditer(self._buffer):
            self._offsets.append((int(found.group(1)), int(found.group(2))))
            consumed = found.end()
            if len(self._offsets) >= MAX_RANGES:
                self._stage = _Stage.DONE
                return
        # Keep only what could be the start of a submatch split across pieces (a long
        # match text in between is skipped, not kept).
        del self._buffer[: max(consumed, len(self._buffer) - _CARRY)]
