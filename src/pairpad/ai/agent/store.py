"""Agent runs and their logs in the database (`agent_runs`, `agent_events`).

`RunLog` is the persistent `EventLog` (events/log.py) of agent runs: `append` gives the next
seq of the run and stores the event in the same transaction, so a log has no gaps and
survives a restart; `since` replays it. The in-memory lock only serialises appends of this
process (one server owns a workspace's runs).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import func, select, update

from pairpad.events.log import BuildEvent, S
from pairpad.events.models import AgentEvent, SequencedEvent
from pairpad.storage.db import Database
from pairpad.storage.owner import Owner
from pairpad.storage.tables import AgentEventRow, AgentRunRow

ACTIVE = ("running", "waiting")


@dataclass
class RunRecord:
    id: str
    task: str
    mode: str
    model: str
    status: str  # running | waiting | finished | interrupted
    reason: str | None
    created_at: datetime
    finished_at: datetime | None
    change_set_id: str | None
    steps: int
    input_tokens: int
    output_tokens: int


class RunStore:
    def __init__(self, db: Database, owner: Owner) -> None:
        self._db = db
        self._owner = owner

    def _mine(self) -> list[Any]:
        return [AgentRunRow.owner_id == self._owner.owner_id,
                AgentRunRow.workspace_id == self._owner.workspace_id]

    async def add(self, record: RunRecord) -> None:
        async with self._db.session() as session:
            session.add(AgentRunRow(
                owner_id=self._owner.owner_id, workspace_id=self._owner.workspace_id,
                id=record.id, task=record.task, mode=record.mode, model=record.model,
                status=record.status, reason=record.reason, created_at=record.created_at,
                finished_at=record.finished_at, change_set_id=record.change_set_id,
                steps=record.steps, input_tokens=record.input_tokens,
                output_tokens=record.output_tokens))

    async def save(self, record: RunRecord) -> None:
        async with self._db.session() as session:
            await session.execute(update(AgentRunRow).where(
                AgentRunRow.id == record.id, *self._mine()).values(
                status=record.status, reason=record.reason, finished_at=record.finished_at,
                change_set_id=record.change_set_id, steps=record.steps,
                input_tokens=record.input_tokens, output_tokens=record.output_tokens))

    async def get(self, run_id: str) -> RunRecord | None:
        async with self._db.session() as session:
            row = await session.scalar(select(AgentRunRow).where(
                AgentRunRow.id == run_id, *self._mine()))
            return None if row is None else _record(row)

    async def listed(self, limit: int = 200) -> list[RunRecord]:
        """Newest first."""
        async with self._db.session() as session:
            rows = await session.scalars(select(AgentRunRow).where(*self._mine())
                                         .order_by(AgentRunRow.created_at.desc()).limit(limit))
            return [_record(row) for row in rows]

    async def mark_interrupted(self) -> list[str]:
        """Runs a previous server left running or waiting: now `interrupted`. Their ids."""
        async with self._db.session() as session:
            ids = list(await session.scalars(select(AgentRunRow.id).where(
                *self._mine(), AgentRunRow.status.in_(ACTIVE))))
            if ids:
                await session.execute(update(AgentRunRow).where(
                    AgentRunRow.id.in_(ids), *self._mine()).values(
                    status="interrupted", reason="interrupted", finished_at=datetime.now(UTC)))
            return ids


class RunLog:
    """The persistent `EventLog` of agent runs (a stream is a run id)."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._lock = asyncio.Lock()

    async def append(self, stream: str, build: BuildEvent[S]) -> S:
        async with self._lock, self._db.session() as session:
            top = await session.scalar(select(func.max(AgentEventRow.seq)).where(
                AgentEventRow.run_id == stream))
            seq = int(top or 0) + 1
            event = build(seq)
            if event.run_id != stream or event.seq != seq:
                raise ValueError("a sequenced event must carry its stream id and the given seq")
            data = event.payload()
            session.add(AgentEventRow(run_id=stream, seq=seq, type=str(data.get("type", "")),
                                      data=data))
            return event

    async def since(self, stream: str, after_seq: int = 0) -> list[SequencedEvent]:
        async with self._db.session() as session:
            rows = await session.scalars(select(AgentEventRow).where(
                AgentEventRow.run_id == stream, AgentEventRow.seq > max(after_seq, 0))
                .order_by(AgentEventRow.seq))
            return [AgentEvent.model_validate(cast(dict[str, Any], row.data)) for row in rows]


def _record(row: AgentRunRow) -> RunRecord:
    return RunRecord(row.id, row.task, row.mode, row.model, row.status, row.reason,
                     row.created_at, row.finished_at, row.change_set_id, row.steps,
                     row.input_tokens, row.output_tokens)
