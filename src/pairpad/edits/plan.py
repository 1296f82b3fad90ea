"""From a text to a plan: parse it into blocks per file, then run each file's blocks in order on
its evolving text. The plan writes nothing; a plan with a failed file must not be written at all.
"""

from __future__ import annotations

from collections.abc import Callable

from pairpad.edits import parse_search_replace, parse_udiff, parse_whole
from pairpad.edits.apply import apply_block
from pairpad.edits.detect import detect
from pairpad.edits.lines import set_final_newline, split_file, split_pattern
from pairpad.edits.models import (
    Closest,
    EditBlock,
    EditError,
    EditPlan,
    FileEdits,
    FilePlan,
    FileStatus,
    Format,
    ParsedEdits,
    PlanStatus,
)
from pairpad.edits.paths import problem


def parse_edits(text: str, format: Format = "auto", *, path: str | None = None) -> ParsedEdits:
    """The blocks of `text` grouped per file (in order of first appearance).

    `path` is the file of a whole-file replacement or of search/replace blocks without a path
    line. Raises EditParseError for a text that is no edit or a malformed one.
    """
    kind = detect(text) if format == "auto" else format
    if kind == "search_replace":
        pairs = parse_search_replace.parse(text, path)
    elif kind == "udiff":
        pairs = parse_udiff.parse(text)
    else:
        pairs = parse_whole.parse(text, path)
    grouped: dict[str, list[EditBlock]] = {}
    for file_path, block in pairs:
        grouped.setdefault(file_path, []).append(block)
    return ParsedEdits(
        format=kind, files=tuple(FileEdits(p, tuple(blocks)) for p, blocks in grouped.items())
    )


def plan_edits(parsed: ParsedEdits, read: Callable[[str], str | None]) -> EditPlan:
    """What each file becomes; `read(path)` gives its current text (None: no such file)."""
    files = tuple(_plan_file(f, read) for f in parsed.files)
    status: PlanStatus
    if any(f.status == "failed" for f in files):
        status = "failed"
    elif all(f.status == "already_applied" for f in files):
        status = "already_applied"
    else:
        status = "ok"
    return EditPlan(status=status, files=files)


class _Refused(Exception):
    def __init__(self, error: EditError) -> None:
        super().__init__(error.message)
        self.error = error


def _plan_file(edits: FileEdits, read: Callable[[str], str | None]) -> FilePlan:
    path = edits.path
    bad = problem(path)
    if bad is not None:
        error = EditError(f"{path}: {bad}", block=edits.blocks[0].index)
        return FilePlan(path=path, status="failed", before=None, after=None, error=error)
    before = read(path)
    text = before
    rungs: list[str] = []
    changed = False
    try:
        for block in edits.blocks:
            new, rung, done = _apply(path, text, block)
            rungs.append(rung)
            changed = changed or not done
            text = new
    except _Refused as refused:
        return FilePlan(
            path=path,
            status="failed",
            before=before,
            after=None,
            error=refused.error,
            rungs=tuple(rungs),
        )
    status: FileStatus
    if not changed:
        status = "already_applied"
        text = before
    elif text is None:
        status = "deleted"
    elif before is None:
        status = "created"
    else:
        status = "modified"
    return FilePlan(path=path, status=status, before=before, after=text, rungs=tuple(rungs))


def _apply(path: str, text: str | None, block: EditBlock) -> tuple[str | None, str, bool]:
    """(new text, rung, already applied) for one block, or _Refused."""

    def refuse(message: str, closest: Closest | None = None) -> _Refused:
        return _Refused(
            EditError(f"{path}: block {block.index + 1}: {message}", block.index, closest)
        )

    if block.kind == "delete":
        if text is None:
            return None, "delete", True
        return None, "delete", False
    if block.kind == "create":
        if text is None:
            return block.replace, "new_file", False
        if _same(text, block.replace):
            return text, "new_file", True
        raise refuse(
            "the diff creates this file (from /dev/null) but it already exists. Send a diff "
            "against its current content instead."
        )
    if block.kind == "whole":
        content = block.replace
        if text is not None and split_file(text).eol == "\r\n":
            content = content.replace("\r\n", "\n").replace("\n", "\r\n")
        if text is not None and text == content:
            return text, "whole", True
        return content, "whole", False
    if text is None:
        if not any(ln.strip() for ln in split_pattern(block.search)):
            return block.replace, "new_file", False
        raise refuse(
            "the file does not exist. To create it, send an empty SEARCH with the whole "
            "content as REPLACE; to change an existing file, check its path."
        )
    if block.line_hint is not None and text and not block.search.strip():
        raise refuse(
            "the hunk has no context or removed lines, so there is nothing to find it by (line "
            "numbers are only hints). Send the diff with 3 lines of context around each change."
        )
    outcome = apply_block(
        text,
        block.search,
        block.replace,
        line_hint=block.line_hint,
        from_diff=block.from_diff,
        hunk=block.hunk,
    )
    if outcome.result is None or outcome.rung is None:
        raise refuse(outcome.error_message or "the block could not be applied.", outcome.closest)
    result = outcome.result
    if not outcome.already_applied and block.final_newline is not None:
        result = set_final_newline(result, block.final_newline)
    return result, outcome.rung, outcome.already_applied


def _same(a: str, b: str) -> bool:
    return [ln.rstrip() for ln in split_pattern(a)] == [ln.rstrip() for ln in split_pattern(b)]
