"""What a client sends with `chat:send` (also the body of POST /api/chat/context)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field, field_validator, model_validator

from pairpad.unicode import well_formed

MAX_MESSAGE_CHARS = 100_000
MAX_CONTEXT_CHARS = 1_000_000  # per item the client sends (file buffer, selection, error)


class ActiveFile(BaseModel):
    path: str = Field(min_length=1, max_length=4096)
    # The editor buffer when it has unsaved changes; otherwise read from disk.
    content: str | None = Field(default=None, max_length=MAX_CONTEXT_CHARS)
    language: str | None = None
    # Where the user is: when the whole file does not fit the model's window, the lines
    # around it are sent instead of the file's beginning.
    cursor_line: int | None = Field(default=None, ge=1)


class Selection(BaseModel):
    path: str | None = None
    text: str = Field(max_length=MAX_CONTEXT_CHARS)
    start_line: int | None = Field(default=None, ge=1)
    end_line: int | None = Field(default=None, ge=1)


class ChatSendRequest(BaseModel):
    conversation_id: str | None = Field(default=None, max_length=64)
    # May be blank for a context preview; chat:send refuses a blank message.
    text: str = Field(default="", max_length=MAX_MESSAGE_CHARS)
    model: str | None = Field(default=None, description="'provider:model'; default: chat role")
    active_file: ActiveFile | None = None
    selection: Selection | None = None
    mentions: list[str] = Field(default_factory=list, max_length=50)
    errors: list[str] = Field(default_factory=list, max_length=10)
    exclude: list[str] = Field(default_factory=list, description="Context item ids to leave out")
    allow_secrets: list[str] = Field(
        default_factory=list, max_length=50,
        description="Secret files (workspace-relative paths) the user attached explicitly and "
        "confirmed: only these are sent to the model despite the visibility policy. The UI "
        "sends a path here only after a confirmation dialog.")
    max_tokens: int | None = Field(default=None, ge=1, le=32768)
    temperature: float | None = Field(default=None, ge=0, le=2)

    @model_validator(mode="before")
    @classmethod
    def _no_lone_surrogates(cls, data: Any) -> Any:
        # Mentions, paths and pasted text end up stored and echoed: refuse what UTF-8 cannot hold.
        return well_formed(data)

    @field_validator("errors")
    @classmethod
    def _error_size(cls, value: list[str]) -> list[str]:
        if any(len(item) > MAX_CONTEXT_CHARS for item in value):
            raise ValueError(f"a pasted error is over {MAX_CONTEXT_CHARS} characters")
        return value
