"""Change sets of one owner and workspace in the database (`change_sets`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import Text, func, or_, select

from pairpad.changes.hunks import HunkState
from pairpad.storage.db import Database
from pairpad.storage.owner import Owner
from pairpad.storage.tables import ChangeSetRow


@dataclass
class FileRecord:
    path: str
    status: str  # modified | created | deleted
    encoding: str | None  # of the file before (None: it did not exist)
    before: str | None  # blob ids in the shadow repository
    after: str | None
    states: list[HunkState] = field(default_factory=list)

    def to_json(self) -> dict[str, object]:
        return {"path": self.path, "status": self.status, "encoding": self.encoding,
                "before": self.before, "after": self.after, "states": list(self.states)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> FileRecord:
        return cls(data["path"], data["status"], data.get("encoding"), data["before"],
                   data["after"], list(data["states"]))


@dataclass
class StepRecord:
    """One step of a set (an agent run writes its set step by step): the checkpoint taken
    before it and the touched files as they were (blob ids; None: no file)."""

    checkpoint_id: str
    commit: str
    created_at: datetime
    title: str
    files: list[str]
    befores: dict[str, str | None]

    def to_json(self) -> dict[str, object]:
        return {"checkpoint_id": self.checkpoint_id, "commit": self.commit,
                "created_at": _aware(self.created_at).isoformat(), "title": self.title,
                "files": list(self.files), "befores": dict(self.befores)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> StepRecord:
        return cls(data["checkpoint_id"], data["commit"],
                   _aware(datetime.fromisoformat(data["created_at"])), data["title"],
                   list(data["files"]), dict(data["befores"]))


@dataclass
class ChangeSetRecord:
    id: str
    seq: int
    created_at: datetime
    source: str
    title: str
    status: str  # pending | reviewed | reverted
    checkpoint_id: str
    checkpoint_commit: str
    files: list[FileRecord]
    steps: list[StepRecord] = field(default_factory=list)  # oldest first; never empty once read

    def file(self, path: str) -> FileRecord | None:
        return next((f for f in self.files if f.path == path), None)

    def step_index(self, checkpoint_id: str) -> int | None:
        return next((i for i, s in enumerate(self.steps) if s.checkpoint_id == checkpoint_id),
                    None)


class ChangeSetStore:
    def __init__(self, db: Database, owner: Owner) -> None:
        self._db = db
        self._owner = owner

    def _mine(self) -> list[Any]:
        return [ChangeSetRow.owner_id == self._owner.owner_id,
                ChangeSetRow.workspace_id == self._owner.workspace_id]

    async def next_seq(self) -> int:
        async with self._db.session() as session:
            top = await session.scalar(select(func.max(ChangeSetRow.seq)).where(*self._mine()))
            return int(top or 0) + 1

    async def add(self, record: ChangeSetRecord) -> None:
        async with self._db.session() as session:
            session.add(ChangeSetRow(
                owner_id=self._owner.owner_id, workspace_id=self._owner.workspace_id,
                id=record.id, seq=record.seq, created_at=record.created_at,
                source=record.source, title=record.title, status=record.status,
                checkpoint_id=record.checkpoint_id, checkpoint_commit=record.checkpoint_commit,
                files=[f.to_json() for f in record.files],
                steps=[s.to_json() for s in record.steps] or None))

    async def save(self, record: ChangeSetRecord) -> None:
        """Writes back the review state (status and hunk states) and the steps of a set."""
        async with self._db.session() as session:
            row = await session.scalar(select(ChangeSetRow).where(
                ChangeSetRow.id == record.id, *self._mine()))
            if row is not None:
                row.status = record.status
                row.files = [f.to_json() for f in record.files]
                row.steps = [s.to_json() for s in record.steps] or None

    async def get(self, change_set_id: str) -> ChangeSetRecord | None:
        async with self._db.session() as session:
            row = await session.scalar(select(ChangeSetRow).where(
                ChangeSetRow.id == change_set_id, *self._mine()))
            return None if row is None else _record(row)

    async def by_checkpoint(self, checkpoint_id: str) -> ChangeSetRecord | None:
        """The set whose first checkpoint, or one of whose steps' checkpoints, this is."""
        async with self._db.session() as session:
            # The JSON text is filtered with LIKE, then each candidate's steps are checked.
            rows = await session.scalars(select(ChangeSetRow).where(
                *self._mine(), or_(ChangeSetRow.checkpoint_id == checkpoint_id,
                                   ChangeSetRow.steps.cast(Text).contains(checkpoint_id))))
            found = (_record(row) for row in rows)
            return next((r for r in found if r.step_index(checkpoint_id) is not None), None)

    async def listed(self, *, since_seq: int = 0, limit: int = 500) -> list[ChangeSetRecord]:
        """Newest first."""
        async with self._db.session() as session:
            rows = await session.scalars(
                select(ChangeSetRow).where(*self._mine(), ChangeSetRow.seq >= since_seq)
                .order_by(ChangeSetRow.seq.desc(), ChangeSetRow.created_at.desc())
                .limit(limit))
            return [_record(row) for row in rows]


def _record(row: ChangeSetRow) -> ChangeSetRecord:
    files = [FileRecord.from_json(cast(dict[str, Any], f)) for f in row.files]
    steps = [StepRecord.from_json(cast(dict[str, Any], s)) for s in row.steps or []]
    if not steps:  # a row from before steps: one step, the set's own checkpoint
        steps = [StepRecord(row.checkpoint_id, row.checkpoint_commit, _aware(row.created_at),
                            row.title, [f.path for f in files],
                            {f.path: f.before for f in files})]
    return ChangeSetRecord(row.id, row.seq, row.created_at, row.source, row.title, row.status,
                           row.checkpoint_id, row.checkpoint_commit, files, steps)


def _aware(moment: datetime) -> datetime:
    """SQLite gives back naive datetimes; they were stored as UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
