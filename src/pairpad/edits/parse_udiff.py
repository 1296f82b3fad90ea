"""Unified diffs as `git diff` (or `diff -u`) writes them, read loosely.

Each hunk becomes a SEARCH (its context and removed lines) and a REPLACE (its context and added
lines), located by content; the `+` start line of its header is only a tie-breaker hint. The
hunk's line counts are not trusted (models miscount): a hunk runs while lines start with
" ", "-", "+", "\\" or are empty. `/dev/null` as the old side creates a file, as the new side
deletes one; `a/` and `b/` prefixes are stripped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pairpad.edits.models import EditBlock, EditParseError, HunkShape
from pairpad.edits.paths import clean

HUNK = re.compile(r"^@@+ +-(\d+)(?:,(\d+))? +\+(\d+)(?:,(\d+))? +@@+")
GIT_HEADER = re.compile(r"^diff --git (\S+) (\S+)\s*$")
SHAPE = (
    "Send a unified diff as `git diff` writes it: a '--- a/<path>' line, a '+++ b/<path>' "
    "line, then hunks starting with '@@ -<old line>,<count> +<new line>,<count> @@' whose "
    "lines begin with ' ' (context), '-' (removed) or '+' (added)."
)


@dataclass
class _Hunk:
    line: int  # 1-based line of the text, for messages
    hint: int | None
    old_count: int | None = None  # as the header says (not trusted: it only tells lost lines)
    body: list[str] = field(default_factory=list)


@dataclass
class _File:
    old: str | None = None
    new: str | None = None
    git_paths: tuple[str, str] | None = None
    headed: bool = False
    new_file: bool = False
    deleted_file: bool = False
    hunks: list[_Hunk] = field(default_factory=list)


def parse(text: str) -> list[tuple[str, EditBlock]]:
    lines = text.replace("\r\n", "\n").split("\n")
    files: list[_File] = []
    hunk: _Hunk | None = None
    i = 0
    while i < len(lines):
        line = lines[i]
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        git = GIT_HEADER.match(line)
        if git:
            files.append(_File(git_paths=(git.group(1), git.group(2))))
            hunk = None
        elif line.startswith("--- ") and nxt.startswith("+++ "):
            if not files or files[-1].headed or files[-1].hunks:
                files.append(_File())
            files[-1].old, files[-1].new = _side(line[4:]), _side(nxt[4:])
            files[-1].headed = True
            hunk = None
            i += 1
        elif line.startswith("@@"):
            if not files:
                raise EditParseError(
                    f"The hunk at line {i + 1} of the text comes before any '---'/'+++' file "
                    f"header. {SHAPE}"
                )
            m = HUNK.match(line)
            hunk = _Hunk(
                line=i + 1,
                hint=int(m.group(3)) if m else None,
                old_count=(int(m.group(2)) if m.group(2) is not None else 1) if m else None,
            )
            files[-1].hunks.append(hunk)
        elif hunk is not None and (line == "" or line[0] in " +-\\"):
            hunk.body.append(line)
        elif files and hunk is None and files[-1].git_paths is not None:
            _metadata(files[-1], line, i)
        else:
            hunk = None  # prose or a fence after the diff
        i += 1
    if not files:
        raise EditParseError(f"The text holds no unified diff. {SHAPE}")
    out: list[tuple[str, EditBlock]] = []
    for f in files:
        out.extend(_blocks(f, len(out)))
    return out


def _metadata(f: _File, line: str, i: int) -> None:
    if line.startswith("new file mode"):
        f.new_file = True
    elif line.startswith("deleted file mode"):
        f.deleted_file = True
    elif line.startswith(("rename from", "rename to", "copy from", "copy to")):
        raise EditParseError(
            f"Line {i + 1} of the text is a rename or copy, which is not supported. Send the "
            "new file (from /dev/null) and the deletion of the old one (to /dev/null) instead."
        )
    elif line.startswith("Binary files") or line.startswith("GIT binary patch"):
        raise EditParseError(
            f"Line {i + 1} of the text is a binary change, which cannot be applied."
        )


def _side(raw: str) -> str | None:
    path = raw.split("\t")[0].strip()
    if path.startswith('"') and path.endswith('"') and len(path) >= 2:
        path = path[1:-1]
    return None if path == "/dev/null" else path


def _strip_prefixes(old: str | None, new: str | None) -> tuple[str | None, str | None]:
    if (old is None or old.startswith("a/")) and (new is None or new.startswith("b/")):
        return (old[2:] if old else None), (new[2:] if new else None)
    return old, new


def _blocks(f: _File, first: int) -> list[tuple[str, EditBlock]]:
    old, new = f.old, f.new
    if not f.headed and f.git_paths is not None:  # an empty new/deleted file has no ---/+++
        old, new = f.git_paths
        if f.new_file:
            old = None
        if f.deleted_file:
            new = None
    old, new = _strip_prefixes(old, new)
    if old is None and new is None:
        raise EditParseError(f"A file header names /dev/null on both sides. {SHAPE}")
    if old is not None and new is not None and clean(old) != clean(new):
        raise EditParseError(
            f"The diff renames {old} to {new}, which is not supported. Send the new file (from "
            "/dev/null) and the deletion of the old one (to /dev/null) instead."
        )
    parsed = [_split_hunk(h) for h in f.hunks]
    if old is None:
        added = [ln for _, new_lines, _, _, _ in parsed for ln in new_lines]
        content = "".join(ln + "\n" for ln in added)
        if content and not all(p[3] for p in parsed):
            content = content[:-1]
        return [(clean(new or ""), EditBlock(index=first, kind="create", replace=content))]
    if new is None:
        removed = [ln for old_lines, _, _, _, _ in parsed for ln in old_lines]
        expected = "".join(ln + "\n" for ln in removed)
        return [(clean(old), EditBlock(index=first, kind="delete", search=expected))]
    if not f.hunks:
        raise EditParseError(f"The diff of {new} has no hunks. {SHAPE}")
    out: list[tuple[str, EditBlock]] = []
    for n, (h, (search, replace, old_nl, new_nl, tags)) in enumerate(
        zip(f.hunks, parsed, strict=True)
    ):
        if not any(ln.strip() for ln in search) and not any(ln.strip() for ln in replace):
            raise EditParseError(f"The hunk at line {h.line} of the text changes nothing. {SHAPE}")
        final_newline: bool | None = None
        if not new_nl:
            final_newline = False
        elif not old_nl:
            final_newline = True
        block = EditBlock(
            index=first + n,
            kind="replace",
            search="".join(ln + "\n" for ln in search),
            replace="".join(ln + "\n" for ln in replace),
            line_hint=h.hint,
            final_newline=final_newline,
            from_diff=True,
            hunk=HunkShape(tags, max(0, (h.old_count or 0) - len(search))),
        )
        out.append((clean(new), block))
    return out


def _split_hunk(h: _Hunk) -> tuple[list[str], list[str], bool, bool, str]:
    """(old lines, new lines, old ends with newline, new ends with newline, line tags)."""
    body = list(h.body)
    while body and body[-1] == "":  # a blank line after a hunk separates, it is no context
        body.pop()
    old: list[str] = []
    new: list[str] = []
    old_nl = new_nl = True
    tags: list[str] = []
    previous = " "
    for line in body:
        tag, rest = (line[0], line[1:]) if line else (" ", "")
        if tag == "\\":
            if previous in " -":
                old_nl = False
            if previous in " +":
                new_nl = False
            continue
        if tag in " -":
            old.append(rest)
        if tag in " +":
            new.append(rest)
        tags.append(tag)
        previous = tag
    return old, new, old_nl, new_nl, "".join(tags)
