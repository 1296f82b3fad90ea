"""Request and response shapes of the edits, change-set and checkpoint routes (issue 13)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

EditFormat = Literal["auto", "search_replace", "udiff", "whole"]
ChangeSource = Literal["chat", "inline_edit", "agent", "api", "restore"]
FileReview = Literal["pending", "accepted", "rejected", "partial"]
ChangeSetStatus = Literal["pending", "reviewed", "reverted"]


class EditRequest(BaseModel):
    text: str = Field(max_length=4_000_000, description="The edit as a model wrote it")
    format: EditFormat = "auto"
    path: str | None = Field(
        default=None, description="The file of a block that names none (chat Apply: the "
        "active editor's file)")


class ClosestRegion(BaseModel):
    start_line: int
    end_line: int
    text: str


class EditErrorOut(BaseModel):
    message: str
    block: int = Field(description="0-based index of the failing block in the text")
    closest: ClosestRegion | None = None


class PreviewFile(BaseModel):
    path: str
    status: Literal["modified", "created", "deleted", "already_applied", "failed"]
    content: str | None = Field(description="The new content; null when deleted or failed")
    diff: str = Field(description="Unified diff before → after; '' when nothing changes")
    etag: str | None = Field(description="Etag of the file the preview read; null: no such file")
    error: EditErrorOut | None = None
    rungs: list[str] = Field(default_factory=list, description="Ladder rung per block")
    control: bool = Field(default=False, description="A control file (.vscode/, AGENTS.md …)")


class Preview(BaseModel):
    status: Literal["ok", "already_applied", "failed"]
    format: Literal["search_replace", "udiff", "whole"]
    files: list[PreviewFile]


class ApplyRequest(EditRequest):
    etags: dict[str, str | None] = Field(
        default_factory=dict, description="Path -> the etag the preview saw (null: absent)")
    source: Literal["chat", "inline_edit", "agent", "api"] = "chat"
    title: str = Field(default="", max_length=200)
    allow_control: bool = Field(default=False,
                                description="The user agreed to change control files")


class ApplyResult(BaseModel):
    status: Literal["ok", "already_applied"]
    change_set_id: str | None
    checkpoint_id: str | None
    files: list[PreviewFile]


class HunkOut(BaseModel):
    index: int
    state: Literal["pending", "accepted", "rejected"]
    old_start: int
    old_lines: int
    new_start: int
    new_lines: int


class ChangeFileSummary(BaseModel):
    path: str
    status: Literal["modified", "created", "deleted"]
    review: FileReview
    pending_hunks: int


class ChangeFileOut(ChangeFileSummary):
    before: str | None
    after: str | None = Field(description="What the change set leaves now (rejected hunks back)")
    hunks: list[HunkOut]


class ChangeSetSummary(BaseModel):
    id: str
    created_at: str
    source: ChangeSource
    title: str
    status: ChangeSetStatus
    checkpoint_id: str
    files: list[ChangeFileSummary]


class ChangeSetOut(ChangeSetSummary):
    files: list[ChangeFileOut]  # type: ignore[assignment]


class ChangeSetList(BaseModel):
    change_sets: list[ChangeSetSummary]
    pending_files: int
    pending_hunks: int


class ReviewRequest(BaseModel):
    path: str | None = Field(default=None, description="None: everything pending in the set")
    hunk: int | None = Field(default=None, ge=0, description="None: the whole file")


class CheckpointOut(BaseModel):
    id: str
    created_at: str
    source: ChangeSource
    title: str
    files: list[str]
    change_set_id: str


class CheckpointList(BaseModel):
    checkpoints: list[CheckpointOut]


class RestoredFile(BaseModel):
    path: str
    status: Literal["modified", "created", "deleted"]


class RestoreResult(BaseModel):
    checkpoint_id: str | None = Field(
        description="Taken before the restore: restoring it undoes it (null: nothing changed)")
    change_set_id: str | None
    files: list[RestoredFile]
