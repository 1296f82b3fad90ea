"""Refresh tokens: one family per sign-in (a device), rotated on every use.

Only SHA-256 digests are stored. Using a token marks it used and adds the family's next
token in one transaction; the mark is a conditional UPDATE (… WHERE used_at IS NULL) whose
row count decides, so of two concurrent uses only one succeeds. A used token presented again
means it was copied: the whole family is revoked (the thief's and the owner's copies).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import CursorResult, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from pairpad.accounts.clock import as_utc, utcnow
from pairpad.accounts.hashing import digest, digests_match, new_id, new_secret
from pairpad.storage.db import Database
from pairpad.storage.team_tables import RefreshTokenRow

MAX_USER_AGENT = 300
MAX_IP = 64


class RefreshRefused(Exception):
    """Unknown, expired, revoked or reused (then the family is revoked too)."""


class RefreshReused(RefreshRefused):
    """A used token presented again (copied): its family was revoked."""

    def __init__(self, user_id: str, family_id: str) -> None:
        super().__init__("refresh token reused: this sign-in was revoked")
        self.user_id = user_id
        self.family_id = family_id


@dataclass(frozen=True)
class IssuedRefresh:
    token: str
    family_id: str
    user_id: str
    expires_at: datetime


@dataclass(frozen=True)
class SessionInfo:
    id: str  # the family
    created_at: datetime
    last_used_at: datetime
    user_agent: str
    ip: str


class RefreshSessions:
    def __init__(self, db: Database, ttl_s: int) -> None:
        self._db = db
        self._ttl = timedelta(seconds=ttl_s)

    async def start(self, user_id: str, user_agent: str, ip: str) -> IssuedRefresh:
        async with self._db.session() as session:
            return self._add(session, user_id, new_id(), user_agent, ip, utcnow())

    def _add(
        self, session: AsyncSession, user_id: str, family_id: str, user_agent: str, ip: str,
        now: datetime,
    ) -> IssuedRefresh:
        token = new_secret()
        expires = now + self._ttl
        session.add(
            RefreshTokenRow(
                id=new_id(), family_id=family_id, user_id=user_id, token_hash=digest(token),
                created_at=now, expires_at=expires,
                user_agent=user_agent[:MAX_USER_AGENT], ip=ip[:MAX_IP],
            )
        )
        return IssuedRefresh(token, family_id, user_id, expires)

    async def rotate(self, token: str, user_agent: str, ip: str) -> IssuedRefresh:
        """The family's next token for a valid unused `token`; else RefreshRefused (and for a
        reused token the family is revoked, committed before raising)."""
        now = utcnow()
        given = digest(token)
        async with self._db.session() as session:
            row = await session.scalar(
                select(RefreshTokenRow).where(RefreshTokenRow.token_hash == given)
            )
            if row is None or not digests_match(given, row.token_hash):
                raise RefreshRefused("unknown refresh token")
            if row.revoked_at is not None:
                raise RefreshRefused("revoked refresh token")
            if row.used_at is None and as_utc(row.expires_at) <= now:
                raise RefreshRefused("expired refresh token")
            if row.used_at is None:
                marked = await session.execute(
                    update(RefreshTokenRow)
                    .where(RefreshTokenRow.id == row.id, RefreshTokenRow.used_at.is_(None),
                           RefreshTokenRow.revoked_at.is_(None))
                    .values(used_at=now)
                )
                if _rowcount(marked) == 1:
                    return self._add(session, row.user_id, row.family_id, user_agent, ip, now)
            family_id, user_id = row.family_id, row.user_id
        # Reuse (or lost the race to a concurrent use): both copies' family is revoked.
        await self.revoke_family(family_id)
        raise RefreshReused(user_id, family_id)

    async def family_of(self, token: str) -> tuple[str, str] | None:
        """(family id, user id) of a token, used or not."""
        given = digest(token)
        async with self._db.session() as session:
            row = await session.scalar(
                select(RefreshTokenRow).where(RefreshTokenRow.token_hash == given)
            )
        if row is None or not digests_match(given, row.token_hash):
            return None
        return row.family_id, row.user_id

    async def revoke_family(self, family_id: str, user_id: str | None = None) -> bool:
        """True when the family had live tokens (of `user_id`, when given)."""
        statement = (
            update(RefreshTokenRow)
            .where(RefreshTokenRow.family_id == family_id, RefreshTokenRow.revoked_at.is_(None))
            .values(revoked_at=utcnow())
        )
        if user_id is not None:
            statement = statement.where(RefreshTokenRow.user_id == user_id)
        async with self._db.session() as session:
            return _rowcount(await session.execute(statement)) > 0

    async def revoke_all(self, user_id: str, session: AsyncSession | None = None) -> None:
        statement = (
            update(RefreshTokenRow)
            .where(RefreshTokenRow.user_id == user_id, RefreshTokenRow.revoked_at.is_(None))
            .values(revoked_at=utcnow())
        )
        if session is not None:
            await session.execute(statement)
            return
        async with self._db.session() as own:
            await own.execute(statement)

    async def live(self, user_id: str) -> list[SessionInfo]:
        """The user's live sign-ins, most recently used first."""
        now = utcnow()
        async with self._db.session() as session:
            rows = (
                await session.scalars(
                    select(RefreshTokenRow).where(RefreshTokenRow.user_id == user_id)
                )
            ).all()
        first: dict[str, datetime] = {}
        live: dict[str, RefreshTokenRow] = {}
        for row in rows:
            created = as_utc(row.created_at)
            first[row.family_id] = min(first.get(row.family_id, created), created)
            if row.used_at is None and row.revoked_at is None and as_utc(row.expires_at) > now:
                live[row.family_id] = row
        sessions = [
            SessionInfo(family, first[family], as_utc(row.created_at), row.user_agent, row.ip)
            for family, row in live.items()
        ]
        return sorted(sessions, key=lambda item: item.last_used_at, reverse=True)


def _rowcount(result: object) -> int:
    return result.rowcount if isinstance(result, CursorResult) else 0
