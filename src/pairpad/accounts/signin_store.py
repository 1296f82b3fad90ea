"""Queries of the sign-in services (OAuth links, passkeys, the users they resolve to), each
inside the caller's session so one operation is one transaction."""

from __future__ import annotations

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from pairpad.storage.team_tables import OAuthIdentityRow, UserRow, WebAuthnCredentialRow


async def user_by_id(session: AsyncSession, user_id: str) -> UserRow | None:
    return await session.get(UserRow, user_id)


async def user_by_email(session: AsyncSession, email: str) -> UserRow | None:
    return await session.scalar(select(UserRow).where(UserRow.email == email.lower()))


async def identity(session: AsyncSession, provider: str, subject: str) -> OAuthIdentityRow | None:
    return await session.scalar(
        select(OAuthIdentityRow).where(
            OAuthIdentityRow.provider == provider, OAuthIdentityRow.subject == subject
        )
    )


async def identities_of(session: AsyncSession, user_id: str) -> list[OAuthIdentityRow]:
    statement = (
        select(OAuthIdentityRow)
        .where(OAuthIdentityRow.user_id == user_id)
        .order_by(OAuthIdentityRow.provider)
    )
    return list((await session.scalars(statement)).all())


async def delete_identities(session: AsyncSession, user_id: str, provider: str) -> int:
    result = await session.execute(
        delete(OAuthIdentityRow).where(
            OAuthIdentityRow.user_id == user_id, OAuthIdentityRow.provider == provider
        )
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def count_passkeys(session: AsyncSession, user_id: str) -> int:
    statement = select(func.count()).select_from(WebAuthnCredentialRow).where(
        WebAuthnCredentialRow.user_id == user_id
    )
    return int(await session.scalar(statement) or 0)


async def passkeys_of(session: AsyncSession, user_id: str) -> list[WebAuthnCredentialRow]:
    statement = (
        select(WebAuthnCredentialRow)
        .where(WebAuthnCredentialRow.user_id == user_id)
        .order_by(WebAuthnCredentialRow.created_at)
    )
    return list((await session.scalars(statement)).all())


async def passkey_by_credential(
    session: AsyncSession, credential_id: str
) -> WebAuthnCredentialRow | None:
    return await session.scalar(
        select(WebAuthnCredentialRow).where(WebAuthnCredentialRow.credential_id == credential_id)
    )
