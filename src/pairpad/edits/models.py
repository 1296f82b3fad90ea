"""The edit engine's data: parsed blocks, per-block outcomes and the plan for a whole text."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Format = Literal["auto", "search_replace", "udiff", "whole"]
FileStatus = Literal["modified", "created", "deleted", "already_applied", "failed"]
PlanStatus = Literal["ok", "already_applied", "failed"]
# "replace": a search/replace (or a diff hunk turned into one); "create": the whole content of a
# file that must not exist yet (udiff from /dev/null); "whole": the new content, whatever the
# file holds now; "delete": remove the file (udiff to /dev/null).
BlockKind = Literal["replace", "create", "whole", "delete"]


class EditParseError(ValueError):
    """A text that is no edit at all, or a malformed one; the message says what to send instead."""


@dataclass(frozen=True)
class Closest:
    """The region most like a SEARCH that matched nothing."""

    start_line: int  # 1-based, inclusive
    end_line: int
    text: str


@dataclass(frozen=True)
class EditError:
    message: str  # actionable for a model: what failed, where, what to send instead
    block: int  # 0-based index of the block within the whole text
    closest: Closest | None = None


@dataclass(frozen=True)
class HunkShape:
    """A diff hunk's own line order, which says where each added line stands."""

    tags: str  # " ", "-" or "+" per hunk line, in order (SEARCH: " " and "-"; REPLACE: " " and "+")
    lost: int = 0  # old lines its header counts beyond those it holds (context lines dropped)


@dataclass(frozen=True)
class EditBlock:
    """One edit of one file, in the order of the text."""

    index: int  # 0-based across the whole text
    kind: BlockKind
    search: str = ""  # "replace": the old lines; "delete": the expected old content (advisory)
    replace: str = ""  # "replace": the new lines; "create"/"whole": the content
    line_hint: int | None = None  # udiff: 1-based line where the hunk starts; a tie-breaker only
    # udiff "\ No newline at end of file": True/False forces the final newline; None keeps it
    final_newline: bool | None = None
    from_diff: bool = False  # a udiff hunk: SEARCH and REPLACE share its context lines
    hunk: HunkShape | None = None  # a udiff hunk's line order


@dataclass(frozen=True)
class FileEdits:
    path: str  # as written in the text, "/"-separated
    blocks: tuple[EditBlock, ...]


@dataclass(frozen=True)
class ParsedEdits:
    format: Literal["search_replace", "udiff", "whole"]
    files: tuple[FileEdits, ...]  # in order of first appearance; a path appears once

    @property
    def block_count(self) -> int:
        return sum(len(f.blocks) for f in self.files)


@dataclass(frozen=True)
class BlockOutcome:
    result: str | None  # the new text (the same text when already applied); None: refused
    rung: str | None  # the ladder rung that matched
    error_message: str | None
    closest: Closest | None
    already_applied: bool


@dataclass(frozen=True)
class FilePlan:
    path: str  # workspace-relative, as written in the text ("/"-separated)
    status: FileStatus
    before: str | None  # current content (None: the file does not exist)
    after: str | None  # new content (None: deleted, or failed)
    error: EditError | None = None
    rungs: tuple[str, ...] = ()  # the rung that matched each block, in order


@dataclass(frozen=True)
class EditPlan:
    # "failed" if any file failed: then no file may be written (all-or-nothing is the caller's rule)
    status: PlanStatus
    files: tuple[FilePlan, ...]
