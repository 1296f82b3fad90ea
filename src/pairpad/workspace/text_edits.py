"""LSP TextEdits applied to workspace files through the file service, all or nothing.

Positions are LSP's: 0-based line and UTF-16 code units within the line (a character
past the line's end means its end; a line past the last, the text's end). Every file is
read and every edit checked before the first write; a write that fails (a conflict, a
file that changed on disk) puts back the files already written.
"""

from __future__ import annotations

import contextlib
import itertools
import re
from collections.abc import Mapping, Sequence
from typing import Any

from pairpad.errors import Conflict, PairpadError, Unprocessable
from pairpad.events.models import USER_ACTOR
from pairpad.workspace.files import FileService
from pairpad.workspace.models import FileContent, SaveRequest

_BREAK = re.compile(r"\r\n|\r|\n")


def line_starts(text: str) -> list[int]:
    return [0, *(match.end() for match in _BREAK.finditer(text))]


def offset_of(text: str, starts: list[int], position: Any) -> int:
    """An LSP position -> an index into `text`."""
    if not isinstance(position, Mapping):
        raise Unprocessable("A position must be {line, character}")
    line, character = position.get("line"), position.get("character")
    if not isinstance(line, int) or not isinstance(character, int) or line < 0 or character < 0:
        raise Unprocessable(f"Bad position {dict(position)}: line and character are integers "
                            "from 0")
    if line >= len(starts):
        return len(text)
    start = starts[line]
    end = starts[line + 1] if line + 1 < len(starts) else len(text)
    content_end = start + len(_BREAK.sub("", text[start:end]))  # without its line break
    index, units = start, 0
    while index < content_end and units < character:
        units += 2 if ord(text[index]) > 0xFFFF else 1
        index += 1
    return index


def apply_text_edits(text: str, edits: Sequence[Any]) -> str:
    """`edits` (LSP TextEdits of one document, all against `text`) applied; overlapping
    edits are refused (422)."""
    starts = line_starts(text)
    spans: list[tuple[int, int, str]] = []
    for edit in edits:
        if not isinstance(edit, Mapping) or not isinstance(edit.get("newText"), str) \
                or not isinstance(edit.get("range"), Mapping):
            raise Unprocessable("A TextEdit must be {range: {start, end}, newText}")
        start = offset_of(text, starts, edit["range"].get("start"))
        end = offset_of(text, starts, edit["range"].get("end"))
        if end < start:
            raise Unprocessable("A TextEdit's range ends before it starts")
        spans.append((start, end, edit["newText"]))
    # Stable by start: inserts at one position keep their order.
    spans.sort(key=lambda span: (span[0], span[1]))
    for (_, end, _), (start, _, _) in itertools.pairwise(spans):
        if start < end:
            raise Unprocessable("Two TextEdits overlap; the edit was not applied")
    out, cursor = [], 0
    for start, end, new_text in spans:
        out += [text[cursor:start], new_text]
        cursor = end
    out.append(text[cursor:])
    return "".join(out)


async def apply_workspace_edit(
    files: FileService,
    changes: Mapping[str, Sequence[Any]],
    etags: Mapping[str, str] | None = None,
    actor: str = USER_ACTOR,
) -> list[FileContent]:
    """Applies `{path: [TextEdit]}`: all files or none. `etags` (optional, by path): the
    versions the edit was computed against; another one on disk is a 409."""
    if not isinstance(changes, Mapping) or not changes:
        raise Unprocessable("The edit has no changes ({changes: {path: [TextEdit]}})")
    originals: dict[str, FileContent] = {}
    updated: dict[str, str] = {}
    for path, edits in changes.items():
        current = await files.read(path)
        expected = (etags or {}).get(path)
        if expected is not None and expected.strip('"') != current.etag.strip('"'):
            raise Conflict(f"{current.path} changed since the edit was made; ask for it again",
                           current_etag=current.etag)
        if not isinstance(edits, Sequence):
            raise Unprocessable(f"The edits of {path} must be a list of TextEdits")
        originals[path] = current
        updated[path] = apply_text_edits(current.content, edits)
    written: list[tuple[FileContent, FileContent]] = []
    try:
        for path, text in updated.items():
            original = originals[path]
            if text == original.content:
                written.append((original, original))
                continue
            saved, _ = await files.write(original.path, SaveRequest(
                content=text, etag=original.etag, encoding=original.encoding), actor)
            written.append((original, saved))
    except PairpadError:
        for original, saved in reversed(written):
            if saved is original:
                continue
            with contextlib.suppress(PairpadError):  # put back what this edit wrote
                await files.write(original.path, SaveRequest(
                    content=original.content, etag=saved.etag, encoding=original.encoding,
                    eol=original.eol), actor)
        raise
    return [saved for _, saved in written]
