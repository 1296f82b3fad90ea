"""Typed request/response shapes of the workspace API (DESIGN.md §5)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from pairpad.events.models import FsChangeEntry

EntryType = Literal["file", "dir", "symlink"]
Encoding = Literal["utf-8", "utf-8-sig", "latin-1"]
Eol = Literal["lf", "crlf", "cr"]
ChangeType = Literal["added", "modified", "deleted"]


class TreeEntry(BaseModel):
    name: str
    path: str
    type: EntryType
    size: int
    mtime: float
    ignored: bool
    # Credentials or keys (the visibility policy): openable, never sent to a model.
    secret: bool = False
    # For symlinks: what the link leads to, or None when it is dangling or leads outside.
    target_type: Literal["file", "dir"] | None = None


class TreeListing(BaseModel):
    path: str
    entries: list[TreeEntry]


class FileContent(BaseModel):
    path: str
    content: str
    etag: str
    encoding: Encoding
    eol: Eol
    language: str
    size: int


class SaveRequest(BaseModel):
    content: str
    etag: str | None = Field(description="The etag read with the content; null creates a new file.")
    encoding: Encoding | None = None
    eol: Eol | None = None


class MoveRequest(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    source: str = Field(alias="from", min_length=1)
    target: str = Field(alias="to", min_length=1)


class PathRequest(BaseModel):
    path: str = Field(min_length=1)


class PathResult(BaseModel):
    path: str


class MoveResult(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    source: str = Field(alias="from")
    target: str = Field(alias="to")


class SearchMatch(BaseModel):
    path: str
    line: int = Field(description="1-based line number")
    column: int = Field(description="1-based character column of the first match")
    text: str = Field(
        description="The line; a long one is cut to a window around its first match, with"
        " '…' marking each cut"
    )
    text_start: int = Field(
        default=1, description="1-based column in the line of `text`'s first character after"
        " a leading '…' (1 unless the line was cut before its first match)"
    )
    # Every match on the line (at most 100) as 1-based [start, end) character columns.
    ranges: list[tuple[int, int]] = Field(default_factory=list)


class SearchResults(BaseModel):
    results: list[SearchMatch]
    truncated: bool


class FileMatch(BaseModel):
    path: str
    score: float


class FileMatches(BaseModel):
    results: list[FileMatch]


class WatcherStatus(BaseModel):
    """Live updates: whether `fs:changed` events are flowing."""

    state: Literal["starting", "running", "restarting", "stopped"]
    restarts: int = Field(description="Times the watcher failed and was started again")
    last_error: str | None = Field(description="Why it last failed (it restarts by itself)")
    retry_in: float | None = Field(
        default=None, description="Seconds until the next start while restarting"
    )


# One change as the bus, the caches and the clients see it (with its actor).
FsChange = FsChangeEntry
