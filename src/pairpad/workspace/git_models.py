"""The source-control view's data: a repository's status, a file's diff and hunks, branches."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

# One letter per change, as `git status --short` and VS Code show them.
ChangeLetter = Literal["M", "A", "D", "R", "C", "T", "U", "?", "!"]


class GitChange(BaseModel):
    """One file in one group; `path` is workspace-relative, `orig_path` the name it had
    before a rename or copy."""

    path: str
    status: ChangeLetter
    orig_path: str | None = None


class GitStatus(BaseModel):
    repository: bool = Field(description="False: the workspace is not in a git repository.")
    branch: str | None = None  # None when detached or outside a repository
    head: str | None = None  # commit id; None before the first commit
    detached: bool = False
    upstream: str | None = None
    ahead: int = 0
    behind: int = 0
    staged: list[GitChange] = []
    changes: list[GitChange] = []  # tracked files changed in the working tree, not staged
    untracked: list[GitChange] = []
    conflicts: list[GitChange] = []
    ignored: list[GitChange] = []  # only when asked for (`ignored=true`)


class Hunk(BaseModel):
    """A change of a diff with no context lines: `old_*` in the base (HEAD or the index),
    `new_*` in the other side, 1-based starts as in `@@ -old_start,old_lines +new_start,
    new_lines @@` (a start is the line before the change when its side has no lines)."""

    old_start: int = Field(ge=0)
    old_lines: int = Field(ge=0)
    new_start: int = Field(ge=0)
    new_lines: int = Field(ge=0)


class FileDiff(BaseModel):
    path: str
    staged: bool = Field(description="True: HEAD ↔ index; false: index ↔ working tree.")
    binary: bool = False
    hunks: list[Hunk]
    patch: str  # git's unified diff (no context), for display


class FileAtRef(BaseModel):
    path: str
    ref: Literal["HEAD", "index"]
    exists: bool
    binary: bool = False
    content: str | None = None


class Branch(BaseModel):
    name: str
    current: bool
    upstream: str | None = None
    commit: str


class BranchList(BaseModel):
    current: str | None
    branches: list[Branch]


class CommitResult(BaseModel):
    commit: str
    summary: str


class GitOutput(BaseModel):
    """What a command that talks to a remote (pull, push) printed."""

    output: str
