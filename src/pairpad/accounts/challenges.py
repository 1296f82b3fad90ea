"""Pending sign-in steps kept server-side (table auth_challenges): an OAuth state with its
nonce and PKCE verifier, a WebAuthn challenge, an OAuth link waiting for confirmation.

Single use: `take` deletes the row and returns it only if this call deleted it (a
conditional DELETE whose row count decides), so two concurrent uses cannot both succeed.
Expired rows are never returned and are swept on every `create`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import CursorResult, delete, select

from pairpad.accounts.clock import as_utc, utcnow
from pairpad.storage.db import Database
from pairpad.storage.team_tables import AuthChallengeRow


@dataclass(frozen=True)
class Challenge:
    id: str
    purpose: str
    user_id: str | None
    data: dict[str, Any]
    expires_at: datetime


class ChallengeStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def create(
        self, challenge_id: str, purpose: str, data: dict[str, Any], *, ttl_s: int,
        user_id: str | None = None,
    ) -> Challenge:
        now = utcnow()
        expires = now + timedelta(seconds=ttl_s)
        async with self._db.session() as session:
            await session.execute(delete(AuthChallengeRow).where(AuthChallengeRow.expires_at < now))
            session.add(
                AuthChallengeRow(
                    id=challenge_id, purpose=purpose, user_id=user_id, data=data,
                    created_at=now, expires_at=expires,
                )
            )
        return Challenge(challenge_id, purpose, user_id, data, expires)

    async def peek(self, challenge_id: str, purpose: str) -> Challenge | None:
        """The live challenge without using it (to show what a link confirmation is for)."""
        async with self._db.session() as session:
            row = await session.get(AuthChallengeRow, challenge_id)
            if row is None or row.purpose != purpose or as_utc(row.expires_at) <= utcnow():
                return None
            return _challenge(row)

    async def take(self, challenge_id: str, purpose: str) -> Challenge | None:
        """The challenge, deleted: None when unknown, of another purpose, expired or taken."""
        if not challenge_id or len(challenge_id) > 64:
            return None
        async with self._db.session() as session:
            row = await session.scalar(
                select(AuthChallengeRow).where(
                    AuthChallengeRow.id == challenge_id, AuthChallengeRow.purpose == purpose
                )
            )
            if row is None:
                return None
            challenge = _challenge(row)
            deleted = await session.execute(
                delete(AuthChallengeRow).where(
                    AuthChallengeRow.id == challenge_id, AuthChallengeRow.purpose == purpose
                )
            )
            if not isinstance(deleted, CursorResult) or deleted.rowcount != 1:
                return None
        return challenge if challenge.expires_at > utcnow() else None


def _challenge(row: AuthChallengeRow) -> Challenge:
    return Challenge(row.id, row.purpose, row.user_id, dict(row.data or {}),
                     as_utc(row.expires_at))
