"""One file's zero-context diff (`git diff -U0`): its hunks, a patch of exactly one of them
(for `git apply --cached`), and a hunk taken back out of a file's bytes (discard)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pairpad.errors import Conflict, NotFound
from pairpad.workspace.git_models import Hunk

_HEADER = re.compile(rb"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")
_NO_NEWLINE = b"\\ No newline at end of file"


@dataclass
class PatchHunk:
    hunk: Hunk
    old: list[bytes] = field(default_factory=list)  # lines with their newline (if they have one)
    new: list[bytes] = field(default_factory=list)
    body: list[bytes] = field(default_factory=list)  # the patch lines after the header


@dataclass
class ParsedDiff:
    header: list[bytes]  # `diff --git`, `index`, `---`, `+++` lines
    hunks: list[PatchHunk]
    binary: bool


def parse_diff(raw: bytes) -> ParsedDiff:
    """The diff of one file; an empty diff has no header and no hunks."""
    header: list[bytes] = []
    hunks: list[PatchHunk] = []
    binary = False
    last: list[bytes] | None = None  # the side the previous +/- line went to
    for line in raw.split(b"\n"):
        match = _HEADER.match(line)
        if match:
            old_start, old_lines, new_start, new_lines = match.groups()
            hunks.append(PatchHunk(Hunk(
                old_start=int(old_start), old_lines=_count(old_lines),
                new_start=int(new_start), new_lines=_count(new_lines))))
            last = None
        elif not hunks:
            if line:
                header.append(line)
                binary = binary or line.startswith((b"Binary files ", b"GIT binary patch"))
        elif line.startswith((b"-", b"+")):
            side = hunks[-1].old if line[:1] == b"-" else hunks[-1].new
            side.append(line[1:] + b"\n")
            hunks[-1].body.append(line)
            last = side
        elif line.startswith(_NO_NEWLINE):
            if last:
                last[-1] = last[-1][:-1]
            hunks[-1].body.append(line)
    return ParsedDiff(header, hunks, binary)


def _count(value: bytes | None) -> int:
    return 1 if value is None else int(value)


def find_hunk(diff: ParsedDiff, wanted: Hunk | int) -> PatchHunk:
    """The hunk the client saw (by its ranges, or its position); stale choices are refused."""
    if isinstance(wanted, int):
        if 0 <= wanted < len(diff.hunks):
            return diff.hunks[wanted]
        raise NotFound(f"There is no hunk {wanted}: the file has {len(diff.hunks)}; refresh "
                       "the diff")
    for item in diff.hunks:
        if item.hunk == wanted:
            return item
    raise Conflict("That change is not in the file's diff any more (the file changed since "
                   "the diff was shown); refresh the diff and try again")


def single_hunk_patch(diff: ParsedDiff, item: PatchHunk, *, reverse: bool = False) -> bytes:
    """A patch of `item` alone. Forward (stage) it applies at its old lines, so the new
    start is recomputed as if no other hunk existed; reversed (unstage) it is found at its
    new lines, so the old start is."""
    h = item.hunk
    old_start, new_start = h.old_start, h.new_start
    if reverse:
        old_start = _alone(new_start, h.new_lines, h.old_lines)
    else:
        new_start = _alone(old_start, h.old_lines, h.new_lines)
    head = f"@@ -{old_start},{h.old_lines} +{new_start},{h.new_lines} @@".encode()
    return b"\n".join([*diff.header, head, *item.body]) + b"\n"


def _alone(start: int, lines: int, other_lines: int) -> int:
    """The other side's start of a lone hunk whose fixed side starts at `start`."""
    if lines == 0:  # nothing on the fixed side: the other side's lines follow `start`
        return start + 1
    if other_lines == 0:  # nothing on the other side: it is "after the line before"
        return start - 1
    return start


def revert_hunk(current: bytes, item: PatchHunk) -> bytes:
    """`current` (the new side's bytes) with `item`'s new lines replaced by its old ones."""
    lines = current.splitlines(keepends=True)
    h = item.hunk
    at = h.new_start if h.new_lines == 0 else h.new_start - 1
    if lines[at:at + h.new_lines] != item.new:
        raise Conflict("The file's lines differ from the diff's (git converts this file's "
                       "line endings or it changed meanwhile); discard the whole file instead")
    kept_before = lines[:at]
    old = list(item.old)
    after = lines[at + h.new_lines:]
    # A last line that lost or gained its newline: the line before the change keeps git's view.
    if old and not old[-1].endswith(b"\n") and after:
        old[-1] += b"\n"
    if kept_before and not kept_before[-1].endswith(b"\n") and (old or after):
        kept_before[-1] += b"\n"
    return b"".join([*kept_before, *old, *after])
