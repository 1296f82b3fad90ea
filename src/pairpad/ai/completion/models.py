"""The wire models of inline completion (`POST /api/complete…`, `complete:request`).

Coordinates are Monaco's: 1-based lines and columns. Bad input is refused by these models
(422 with a `detail` naming each field) before any model is asked.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, field_validator

MAX_TEXT = 200_000  # characters of prefix, and of suffix
MAX_RECENT_EDITS = 20
MAX_EDIT_TEXT = 10_000

Outcome = Literal["shown", "accepted", "partial", "dismissed"]


class CompletionCursor(BaseModel):
    line: int = Field(ge=1, le=10_000_000, description="1-based line")
    column: int = Field(ge=1, le=10_000_000, description="1-based column")


class RecentEdit(BaseModel):
    """A recently edited range of another open file (context for the model)."""

    path: str = Field(min_length=1, max_length=4096)
    start_line: int = Field(ge=1)
    text: str = Field(max_length=MAX_EDIT_TEXT)


class CompletionContext(BaseModel):
    editor_id: str | None = Field(
        default=None, max_length=200,
        description="At most one generation is in flight per editor: a new request for the "
        "same editor cancels the previous one, which then answers with no items.")
    version: int | None = Field(default=None, description="The buffer version (echoed by the "
                                "client's own bookkeeping; the server does not use it).")
    recent_edits: list[RecentEdit] = Field(default_factory=list, max_length=MAX_RECENT_EDITS)


class CompleteRequest(BaseModel):
    path: str = Field(min_length=1, max_length=4096, description="Workspace-relative path")
    language: str = Field(min_length=1, max_length=64, description="Monaco language id")
    prefix: str = Field(max_length=MAX_TEXT, description="The text before the cursor")
    suffix: str = Field(max_length=MAX_TEXT, description="The text after the cursor")
    cursor: CompletionCursor
    context: CompletionContext = Field(default_factory=CompletionContext)

    @field_validator("path", "language")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be blank")
        if "\x00" in value:
            raise ValueError("must not contain NUL")
        return value


class CompletionRange(BaseModel):
    start_line: int
    start_column: int
    end_line: int
    end_column: int


class CompletionItem(BaseModel):
    text: str
    range: CompletionRange


class CompleteResponse(BaseModel):
    id: str = Field(description="Names this answer in POST /api/complete/feedback")
    items: list[CompletionItem] = Field(description="Empty when there is nothing worth showing, "
                                        "or the request was superseded or cancelled")
    model: str = Field(description="provider:model")
    cached: bool = Field(description="Answered from the cache, without asking the model")
    latency_ms: float = Field(description="Server-side time to answer")


class CompletionFeedback(BaseModel):
    id: str = Field(min_length=1, max_length=64)
    outcome: Outcome
    accepted_chars: int | None = Field(
        default=None, ge=0, le=1_000_000,
        description="Characters accepted so far (partial); accepted: the whole item by default")


class LatencySummary(BaseModel):
    p50: float | None
    p95: float | None


class CompletionGroupStats(BaseModel):
    shown: int
    accepted: int
    partial: int
    dismissed: int
    acceptance_rate: float | None = Field(description="(accepted + partial) / shown")
    latency_p50: float | None


class CompletionModelStats(CompletionGroupStats):
    model: str


class CompletionLanguageStats(CompletionGroupStats):
    language: str


class CompletionStatsResponse(BaseModel):
    total: int = Field(description="Completions answered (cancelled ones are not counted)")
    shown: int
    accepted: int
    partial: int
    dismissed: int
    acceptance_rate: float | None = Field(description="(accepted + partial) / shown")
    latency_ms: LatencySummary = Field(description="Of the completions the model answered "
                                       "(cache hits excluded)")
    by_model: list[CompletionModelStats]
    by_language: list[CompletionLanguageStats]


class CompletionWarm(BaseModel):
    model: str
    state: Literal["ready", "cancelled"] = Field(
        description="ready: the model answered a 1-token completion (with a body: of that "
        "file's prompt); cancelled: a file warm-up superseded by a newer warm-up or a "
        "completion of the same editor (context.editor_id)")
    latency_ms: float
