"""Email verification and password reset tokens: random, single use, short-lived, stored as
SHA-256 digests. Using one is a conditional UPDATE (… WHERE used_at IS NULL), so a token
cannot be used twice even by two concurrent requests."""

from __future__ import annotations

from datetime import timedelta
from typing import Literal

from sqlalchemy import CursorResult, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from pairpad.accounts.clock import as_utc, utcnow
from pairpad.accounts.hashing import digest, digests_match, new_secret
from pairpad.storage.team_tables import EmailTokenRow

Purpose = Literal["verify", "reset"]
VERIFY: Purpose = "verify"
RESET: Purpose = "reset"
LIFETIMES: dict[Purpose, timedelta] = {
    VERIFY: timedelta(hours=24),
    RESET: timedelta(minutes=30),
}


async def issue_email_token(session: AsyncSession, user_id: str, purpose: Purpose) -> str:
    """A new token; the user's earlier unused ones of this purpose stop working."""
    now = utcnow()
    await session.execute(
        update(EmailTokenRow)
        .where(EmailTokenRow.user_id == user_id, EmailTokenRow.purpose == purpose,
               EmailTokenRow.used_at.is_(None))
        .values(used_at=now)
    )
    token = new_secret()
    session.add(
        EmailTokenRow(user_id=user_id, purpose=purpose, token_hash=digest(token),
                      created_at=now, expires_at=now + LIFETIMES[purpose])
    )
    return token


async def peek_email_token(session: AsyncSession, token: str, purpose: Purpose) -> str | None:
    """The user id of a live token, without using it."""
    given = digest(token)
    row = await session.scalar(select(EmailTokenRow).where(EmailTokenRow.token_hash == given))
    if row is None or not digests_match(given, row.token_hash) or row.purpose != purpose:
        return None
    if row.used_at is not None or as_utc(row.expires_at) <= utcnow():
        return None
    return row.user_id


async def use_email_token(session: AsyncSession, token: str, purpose: Purpose) -> str | None:
    """The user id of a live token, marking it used; None when unknown/used/expired."""
    user_id = await peek_email_token(session, token, purpose)
    if user_id is None:
        return None
    result = await session.execute(
        update(EmailTokenRow)
        .where(EmailTokenRow.token_hash == digest(token), EmailTokenRow.used_at.is_(None))
        .values(used_at=utcnow())
    )
    used = result.rowcount if isinstance(result, CursorResult) else 0
    return user_id if used == 1 else None
