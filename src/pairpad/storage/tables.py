"""SQLAlchemy table definitions. Every schema change also gets an Alembic revision."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    PrimaryKeyConstraint,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Owned:
    """Rows that belong to a user in a workspace (revision 0003_owner_columns; ids from
    storage/owner.py). `workspace_id` '' means no particular workspace (user-wide settings,
    conversations stored before 0003). Rows keyed by a name (settings, providers, roles, task
    approvals) have the owner and workspace in their primary key (revision 0010_owner_keys):
    many owners share a team-mode database."""

    owner_id: Mapped[str] = mapped_column(String(64), nullable=False, server_default="local")
    workspace_id: Mapped[str] = mapped_column(String(64), nullable=False, server_default="")


class UserSetting(Owned, Base):
    """One editor/UI preference (`editor.fontSize` → 14)."""

    __tablename__ = "user_settings"
    __table_args__ = (PrimaryKeyConstraint("owner_id", "workspace_id", "key"),)  # 0010

    key: Mapped[str] = mapped_column(String(128), nullable=False)
    value: Mapped[object] = mapped_column(JSON, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )


# --- AI providers, roles and chat (issue 4; revision 0002_chat) ---------------------------


class AIProviderRow(Owned, Base):
    """A provider added or edited in the UI; overrides the TOML/env one of the same name."""

    __tablename__ = "ai_providers"
    __table_args__ = (PrimaryKeyConstraint("owner_id", "workspace_id", "name"),)  # 0010

    name: Mapped[str] = mapped_column(String(64), nullable=False)
    kind: Mapped[str] = mapped_column(String(32), nullable=False)
    base_url: Mapped[str | None] = mapped_column(String(2048), nullable=True)
    api_key_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    api_key_env: Mapped[str | None] = mapped_column(String(128), nullable=True)
    options: Mapped[dict[str, object]] = mapped_column(JSON, nullable=False, default=dict)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )


class AIRoleRow(Owned, Base):
    """A role -> "provider:model" assignment made in the UI."""

    __tablename__ = "ai_roles"
    __table_args__ = (PrimaryKeyConstraint("owner_id", "workspace_id", "role"),)  # 0010

    role: Mapped[str] = mapped_column(String(32), nullable=False)
    model_ref: Mapped[str] = mapped_column(String(512), nullable=False)


class ConversationRow(Owned, Base):
    __tablename__ = "conversations"
    __table_args__ = (Index("ix_conversations_owner_workspace", "owner_id", "workspace_id"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)


class MessageRow(Base):
    """One chat message; `seq` orders a conversation. Assistant rows are written once, whole."""

    __tablename__ = "messages"
    __table_args__ = (UniqueConstraint("conversation_id", "seq"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    conversation_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("conversations.id", ondelete="CASCADE"), nullable=False, index=True
    )
    seq: Mapped[int] = mapped_column(Integer, nullable=False)
    role: Mapped[str] = mapped_column(String(16), nullable=False)
    content: Mapped[str] = mapped_column(Text, nullable=False)
    model: Mapped[str | None] = mapped_column(String(512), nullable=True)
    finish_reason: Mapped[str | None] = mapped_column(String(32), nullable=True)
    usage: Mapped[dict[str, object] | None] = mapped_column(JSON, nullable=True)
    context: Mapped[list[dict[str, object]] | None] = mapped_column(JSON, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)


# --- Inline completion acceptance data (issue 11; revision 0004_completion_events) ---------


class CompletionEventRow(Owned, Base):
    """One answered completion and what the user did with it. Kept locally only: tuning
    data (acceptance, latency, model), never sent anywhere. `outcome` is NULL until the
    editor reports it was shown; shown < dismissed < partial < accepted."""

    __tablename__ = "completion_events"
    __table_args__ = (
        Index("ix_completion_events_owner_workspace", "owner_id", "workspace_id", "created_at"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    model: Mapped[str] = mapped_column(String(512), nullable=False)
    language: Mapped[str] = mapped_column(String(64), nullable=False)
    latency_ms: Mapped[float] = mapped_column(Float, nullable=False)
    cached: Mapped[bool] = mapped_column(Boolean, nullable=False)
    outcome: Mapped[str | None] = mapped_column(String(16), nullable=True)
    shown_chars: Mapped[int] = mapped_column(Integer, nullable=False)
    accepted_chars: Mapped[int] = mapped_column(Integer, nullable=False, server_default="0")


# --- Tasks the user approved (issue 12; revision 0005_task_approvals) ----------------------


class TaskApprovalRow(Owned, Base):
    """A workspace task from its `.pairpad/config.toml` that the user allowed to run, with
    the SHA-256 of the exact argv they saw (a changed argv needs a new approval). Kept in
    the user's database, never in the workspace (which the repository controls)."""

    __tablename__ = "task_approvals"
    __table_args__ = (PrimaryKeyConstraint("owner_id", "workspace_id", "name"),)

    name: Mapped[str] = mapped_column(String(64), nullable=False)
    argv_sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    approved_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)


# --- AI change sets and their checkpoints (issue 13; revision 0006_change_sets) ----------


class ChangeSetRow(Owned, Base):
    """One applied AI change (chat Apply, an agent run, a restore) and its review state.

    `files` is a list of {path, status, encoding, before, after, states}: `before`/`after`
    are blob ids in the shadow git repository (None: no file), `states` one review state per
    hunk. `seq` orders the sets of a workspace (a restore undoes every set from one on).
    `steps` (an agent run's set grows step by step) is a list of {checkpoint_id, commit,
    created_at, title, files, befores}: one checkpoint per step; None in rows from before
    revision 0007 (one step: the set's own checkpoint)."""

    __tablename__ = "change_sets"
    __table_args__ = (
        Index("ix_change_sets_owner_workspace", "owner_id", "workspace_id", "seq"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    source: Mapped[str] = mapped_column(String(16), nullable=False)
    title: Mapped[str] = mapped_column(String(200), nullable=False, server_default="")
    status: Mapped[str] = mapped_column(String(16), nullable=False)
    checkpoint_id: Mapped[str] = mapped_column(String(32), nullable=False, unique=True)
    checkpoint_commit: Mapped[str] = mapped_column(String(64), nullable=False)
    files: Mapped[list[dict[str, object]]] = mapped_column(JSON, nullable=False)
    steps: Mapped[list[dict[str, object]] | None] = mapped_column(JSON, nullable=True)


class AgentRunRow(Owned, Base):
    """One agent run (ai/agent/): its task, mode, model, state and why it ended. Its log is
    `agent_events`; a run found `running` or `waiting` at start-up was cut off by a restart
    and is marked `interrupted`."""

    __tablename__ = "agent_runs"
    __table_args__ = (Index("ix_agent_runs_owner_workspace", "owner_id", "workspace_id",
                            "created_at"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    task: Mapped[str] = mapped_column(Text, nullable=False)
    mode: Mapped[str] = mapped_column(String(8), nullable=False)
    model: Mapped[str] = mapped_column(String(200), nullable=False, server_default="")
    status: Mapped[str] = mapped_column(String(16), nullable=False)
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    change_set_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    steps: Mapped[int] = mapped_column(Integer, nullable=False, server_default="0")
    input_tokens: Mapped[int] = mapped_column(Integer, nullable=False, server_default="0")
    output_tokens: Mapped[int] = mapped_column(Integer, nullable=False, server_default="0")


class AgentEventRow(Base):
    """One event of a run's append-only log, keyed by (run, seq): the AgentEvent's JSON."""

    __tablename__ = "agent_events"

    run_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("agent_runs.id", ondelete="CASCADE"), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    type: Mapped[str] = mapped_column(String(24), nullable=False)
    data: Mapped[dict[str, object]] = mapped_column(JSON, nullable=False)
