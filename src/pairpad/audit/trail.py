"""AuditTrail: records security events in the hash chain and lists them.

Writers are serialized across processes and instances, so ids follow the order of writing
and each event links to the one written just before it: on PostgreSQL with a transaction
advisory lock taken in the insert's transaction, on SQLite with the database's write lock
(the transaction starts with a write to the head row). The head row (`audit_head`) moves in
the same transaction as the insert.

Each event is also logged (`pairpad.audit`, event `audit_event`, with its id and hash): the
log kept elsewhere is the anchor against someone who rewrites the whole chain.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

import structlog
from sqlalchemy import insert, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from pairpad.audit.chain import GENESIS, AuditEvent, Detail, as_utc, canonical, chain_hash
from pairpad.audit.rows import HEAD_ID, event_of
from pairpad.audit.verify import Verdict, verify_chain
from pairpad.storage.db import Database
from pairpad.storage.team_tables import AuditEventRow, AuditHeadRow
from pairpad.telemetry.metrics import AUDIT_EVENTS

log = structlog.get_logger("pairpad.audit")

# pg_advisory_xact_lock key of the writers ("pairpad\1"; the migrations' lock is "pairpad\0").
AUDIT_LOCK = 0x7061697270616401
ANONYMOUS = "anonymous"  # the actor of an event nobody signed in caused
# Detail keys that would carry a secret: refused (a programming error, caught by tests).
_SECRET_WORDS = ("password", "token", "secret", "api_key", "apikey")


class AuditSink(Protocol):
    """What a service needs to report a security event (AuditTrail in team mode)."""

    async def record(self, actor: str, action: str, target: str,
                     details: Mapping[str, Detail] | None = None) -> AuditEvent: ...


@dataclass(frozen=True)
class AuditFilter:
    actor: str | None = None
    action: str | None = None
    target: str | None = None
    since: datetime | None = None  # created_at >= since
    until: datetime | None = None  # created_at < until
    before_id: int | None = None  # the next page: ids below the last one shown
    limit: int = 50


def _check_details(details: Mapping[str, Detail]) -> dict[str, Detail]:
    for key in details:
        if any(word in key.lower() for word in _SECRET_WORDS):
            raise ValueError(f"audit details must not carry secrets: key {key!r}")
    return dict(details)


class AuditTrail:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def record(self, actor: str, action: str, target: str,
                     details: Mapping[str, Detail] | None = None) -> AuditEvent:
        """Appends one event (its own transaction) and returns it as written."""
        fields = _check_details(details or {})
        async with self._db.session() as session:
            last_id, last_hash = await self._lock_head(session)
            event_id = last_id + 1
            # Taken under the lock: times follow ids across instances (to clock skew).
            created_at = datetime.now(UTC)
            digest = chain_hash(last_hash, canonical(event_id, created_at, actor, action,
                                                     target, fields))
            await session.execute(insert(AuditEventRow).values(
                id=event_id, created_at=created_at, actor=actor, action=action, target=target,
                details=fields, prev_hash=last_hash, hash=digest))
            await session.execute(update(AuditHeadRow).where(AuditHeadRow.id == HEAD_ID)
                                  .values(last_id=event_id, last_hash=digest))
        AUDIT_EVENTS.labels(action=action).inc()
        log.info("audit_event", audit_id=event_id, action=action, actor=actor, target=target,
                 hash=digest, prev_hash=last_hash)
        return AuditEvent(event_id, created_at, actor, action, target, fields, last_hash,
                          digest)

    async def _lock_head(self, session: AsyncSession) -> tuple[int, str]:
        """Takes the writers' lock for this transaction; the chain's last (id, hash)."""
        if self._db.is_sqlite:
            # A write first: the transaction holds SQLite's write lock before it reads.
            await session.execute(update(AuditHeadRow).where(AuditHeadRow.id == HEAD_ID)
                                  .values(last_id=AuditHeadRow.last_id))
        else:
            await session.execute(text("SELECT pg_advisory_xact_lock(:key)"),
                                  {"key": AUDIT_LOCK})
        head = (await session.execute(select(AuditHeadRow.last_id, AuditHeadRow.last_hash)
                                      .where(AuditHeadRow.id == HEAD_ID))).first()
        if head is not None:
            return int(head.last_id), str(head.last_hash)
        # The head row was deleted (tampering: verify reports it). Writing goes on after the
        # last row rather than refusing sign-ins; the head is put back.
        last = (await session.execute(select(AuditEventRow.id, AuditEventRow.hash)
                                      .order_by(AuditEventRow.id.desc()).limit(1))).first()
        last_id, last_hash = (int(last.id), str(last.hash)) if last else (0, GENESIS)
        log.error("audit head missing: recreated", last_id=last_id)
        await session.execute(insert(AuditHeadRow).values(id=HEAD_ID, last_id=last_id,
                                                          last_hash=last_hash))
        return last_id, last_hash

    async def verify(self) -> Verdict:
        """The whole chain checked; the first bad row, if any (audit/verify.py)."""
        return await verify_chain(self._db)

    async def list(self, where: AuditFilter) -> list[AuditEvent]:
        """Events matching `where`, newest first."""
        query = select(AuditEventRow).order_by(AuditEventRow.id.desc()).limit(where.limit)
        if where.actor:
            query = query.where(AuditEventRow.actor == where.actor)
        if where.action:
            query = query.where(AuditEventRow.action == where.action)
        if where.target:
            query = query.where(AuditEventRow.target == where.target)
        if where.since is not None:
            query = query.where(AuditEventRow.created_at >= as_utc(where.since))
        if where.until is not None:
            query = query.where(AuditEventRow.created_at < as_utc(where.until))
        if where.before_id is not None:
            query = query.where(AuditEventRow.id < where.before_id)
        async with self._db.session() as session:
            rows = (await session.scalars(query)).all()
        return [event_of(row) for row in rows]
