"""Conversations and their messages in SQLite (route -> ChatService/ConversationStore -> here)."""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from pairpad.errors import NotFound
from pairpad.storage.db import Database
from pairpad.storage.owner import NO_WORKSPACE, Owner
from pairpad.storage.tables import ConversationRow, MessageRow

TITLE_MAX = 200
# A user message's `context` column holds the inspector's report items and, as one extra entry
# of this kind, the request's context spec (active file, selection, mentions, pasted errors,
# exclusions) so a retry resends the same context. The spec never leaves the server.
REQUEST_ENTRY = "request"


def new_id() -> str:
    return uuid.uuid4().hex


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Message:
    id: str
    conversation_id: str
    role: str
    content: str
    model: str | None
    finish_reason: str | None
    usage: dict[str, Any] | None
    context: list[dict[str, Any]] | None
    created_at: str
    request: dict[str, Any] | None = None  # the context spec it was sent with (user messages)

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        del data["request"]
        return data


@dataclass(frozen=True)
class Conversation:
    id: str
    title: str
    created_at: str
    updated_at: str
    message_count: int = 0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _conversation(row: ConversationRow, count: int = 0) -> Conversation:
    return Conversation(row.id, row.title, row.created_at.isoformat(), row.updated_at.isoformat(),
                        count)


def _message(row: MessageRow) -> Message:
    context, request = row.context, None
    if context is not None:
        specs = [c for c in context if c.get("kind") == REQUEST_ENTRY]
        if specs:
            context = [c for c in context if c.get("kind") != REQUEST_ENTRY]
            spec = specs[0].get("spec")
            request = dict(spec) if isinstance(spec, dict) else None
    return Message(row.id, row.conversation_id, row.role, row.content, row.model,
                   row.finish_reason, row.usage, context, row.created_at.isoformat(), request)


def title_from(text: str) -> str:
    line = " ".join(text.split())
    return (line[:57] + "…") if len(line) > 60 else (line or "New chat")


class ConversationStore:
    """The conversations of one owner in one workspace (plus that owner's conversations stored
    before workspaces were recorded). Another owner's conversation is unknown here: 404."""

    def __init__(self, db: Database, owner: Owner) -> None:
        self._db = db
        self._owner = owner

    def _visible(self) -> Any:
        return (ConversationRow.owner_id == self._owner.owner_id) & or_(
            ConversationRow.workspace_id == self._owner.workspace_id,
            ConversationRow.workspace_id == NO_WORKSPACE)

    def _new_row(self, title: str, now: datetime) -> ConversationRow:
        return ConversationRow(id=new_id(), title=title[:TITLE_MAX], created_at=now,
                               updated_at=now, owner_id=self._owner.owner_id,
                               workspace_id=self._owner.workspace_id)

    async def _row(self, session: AsyncSession, conversation_id: str, *,
                   lock: bool = False) -> ConversationRow:
        query = select(ConversationRow).where(
            ConversationRow.id == conversation_id, self._visible())
        if lock:  # PostgreSQL: row lock till commit (SQLite has one writer and ignores it)
            query = query.with_for_update()
        row = await session.scalar(query)
        if row is None:
            raise NotFound(f"Unknown conversation {conversation_id!r}")
        return row

    async def create(self, title: str | None = None) -> Conversation:
        now = _now()
        row = self._new_row(title or "New chat", now)
        async with self._db.session() as session:
            session.add(row)
        return _conversation(row)

    async def list_all(self) -> list[Conversation]:
        counts = (select(MessageRow.conversation_id, func.count().label("n"))
                  .group_by(MessageRow.conversation_id).subquery())
        query = (select(ConversationRow, func.coalesce(counts.c.n, 0))
                 .outerjoin(counts, counts.c.conversation_id == ConversationRow.id)
                 .where(self._visible())
                 .order_by(ConversationRow.updated_at.desc()))
        async with self._db.session() as session:
            return [_conversation(row, int(n)) for row, n in (await session.execute(query)).all()]

    async def get(self, conversation_id: str) -> Conversation:
        async with self._db.session() as session:
            row = await self._row(session, conversation_id)
            count = await session.scalar(select(func.count()).where(
                MessageRow.conversation_id == conversation_id))
            return _conversation(row, int(count or 0))

    async def messages(self, conversation_id: str) -> list[Message]:
        await self.get(conversation_id)
        async with self._db.session() as session:
            rows = await session.scalars(select(MessageRow).where(
                MessageRow.conversation_id == conversation_id).order_by(MessageRow.seq))
            return [_message(row) for row in rows.all()]

    async def rename(self, conversation_id: str, title: str) -> Conversation:
        async with self._db.session() as session:
            row = await self._row(session, conversation_id)
            row.title = title[:TITLE_MAX]
            row.updated_at = _now()
        return await self.get(conversation_id)

    async def delete(self, conversation_id: str) -> None:
        async with self._db.session() as session:
            row = await self._row(session, conversation_id)
            await session.delete(row)  # messages go with it (ON DELETE CASCADE)

    async def add_message(
        self,
        conversation_id: str | None,
        role: str,
        content: str,
        *,
        message_id: str | None = None,
        model: str | None = None,
        finish_reason: str | None = None,
        usage: dict[str, Any] | None = None,
        context: list[dict[str, Any]] | None = None,
        request: dict[str, Any] | None = None,
        new_title: str | None = None,
    ) -> Message:
        """Append one message in one transaction; `conversation_id=None` creates the
        conversation too (titled `new_title`), so a failed insert leaves neither behind."""
        now = _now()
        if request is not None:
            context = [*(context or []), {"kind": REQUEST_ENTRY, "spec": request}]
        async with self._db.session() as session:
            if conversation_id is None:
                conversation = self._new_row(new_title or "New chat", now)
                session.add(conversation)
                await session.flush()
            else:
                # Locked: concurrent appends to one conversation (team members, two tabs)
                # take their seq in turn instead of colliding on (conversation_id, seq).
                conversation = await self._row(session, conversation_id, lock=True)
            seq = await session.scalar(select(func.coalesce(func.max(MessageRow.seq), 0)).where(
                MessageRow.conversation_id == conversation.id))
            row = MessageRow(id=message_id or new_id(), conversation_id=conversation.id,
                             seq=int(seq or 0) + 1, role=role, content=content, model=model,
                             finish_reason=finish_reason, usage=usage, context=context,
                             created_at=now)
            session.add(row)
            conversation.updated_at = now
        return _message(row)

    async def delete_message(self, message_id: str) -> None:
        async with self._db.session() as session:
            row = await session.scalar(  # messages follow their conversation's owner
                select(MessageRow).join(ConversationRow)
                .where(MessageRow.id == message_id, self._visible()))
            if row is not None:
                await session.delete(row)

    async def export_markdown(self, conversation_id: str) -> str:
        conversation = await self.get(conversation_id)
        lines = [f"# {conversation.title}", "", f"_Exported from Pairpad, "
                 f"created {conversation.created_at}_", ""]
        for message in await self.messages(conversation_id):
            who = {"user": "You", "assistant": "Assistant"}.get(message.role, message.role)
            meta = f" ({message.model})" if message.model else ""
            if message.finish_reason not in (None, "stop"):
                meta += f" [{message.finish_reason}]"
            lines += [f"## {who}{meta}", "", message.content.rstrip(), ""]
        return "\n".join(lines)
