"""Queries over the team tables (storage/team_tables.py), each inside the caller's session:
the service (accounts/teams.py) composes them into one transaction per operation."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Select, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from pairpad.storage.team_tables import (
    TeamInvitationRow,
    TeamMemberRow,
    TeamRow,
    TeamWorkspaceRow,
    UserRow,
)


async def lock_team(session: AsyncSession, team_id: str) -> TeamRow | None:
    """The team row, locked until the transaction ends (PostgreSQL: FOR UPDATE), so two
    concurrent role changes cannot both see a second owner and leave none. SQLite serializes
    writers anyway."""
    statement = select(TeamRow).where(TeamRow.id == team_id).with_for_update()
    return (await session.scalars(statement)).first()


async def role_of(session: AsyncSession, team_id: str, user_id: str) -> str | None:
    statement = select(TeamMemberRow.role).where(
        TeamMemberRow.team_id == team_id, TeamMemberRow.user_id == user_id
    )
    return (await session.scalars(statement)).first()


async def membership(session: AsyncSession, team_id: str, user_id: str) -> TeamMemberRow | None:
    return await session.get(TeamMemberRow, (team_id, user_id))


async def count_owners(session: AsyncSession, team_id: str) -> int:
    statement = select(func.count()).select_from(TeamMemberRow).where(
        TeamMemberRow.team_id == team_id, TeamMemberRow.role == "owner"
    )
    return int((await session.execute(statement)).scalar_one())


async def teams_of(session: AsyncSession, user_id: str) -> list[tuple[TeamRow, str]]:
    statement = (
        select(TeamRow, TeamMemberRow.role)
        .join(TeamMemberRow, TeamMemberRow.team_id == TeamRow.id)
        .where(TeamMemberRow.user_id == user_id)
        .order_by(TeamRow.name, TeamRow.id)
    )
    return [(team, role) for team, role in (await session.execute(statement)).all()]


async def members(session: AsyncSession, team_id: str) -> list[tuple[TeamMemberRow, UserRow]]:
    statement = (
        select(TeamMemberRow, UserRow)
        .join(UserRow, UserRow.id == TeamMemberRow.user_id)
        .where(TeamMemberRow.team_id == team_id)
        .order_by(UserRow.email)
    )
    return [(member, user) for member, user in (await session.execute(statement)).all()]


async def member_with_user(
    session: AsyncSession, team_id: str, user_id: str
) -> tuple[TeamMemberRow, UserRow] | None:
    statement = (
        select(TeamMemberRow, UserRow)
        .join(UserRow, UserRow.id == TeamMemberRow.user_id)
        .where(TeamMemberRow.team_id == team_id, TeamMemberRow.user_id == user_id)
    )
    row = (await session.execute(statement)).first()
    return (row[0], row[1]) if row is not None else None


async def user_by_email(session: AsyncSession, email: str) -> UserRow | None:
    return (await session.scalars(select(UserRow).where(UserRow.email == email))).first()


async def invitations(session: AsyncSession, team_id: str) -> list[TeamInvitationRow]:
    statement = (
        select(TeamInvitationRow)
        .where(TeamInvitationRow.team_id == team_id)
        .order_by(TeamInvitationRow.created_at.desc(), TeamInvitationRow.id)
    )
    return list((await session.scalars(statement)).all())


async def invitation_by_hash(
    session: AsyncSession, token_hash: str
) -> tuple[TeamInvitationRow, TeamRow] | None:
    statement = (
        select(TeamInvitationRow, TeamRow)
        .join(TeamRow, TeamRow.id == TeamInvitationRow.team_id)
        .where(TeamInvitationRow.token_hash == token_hash)
    )
    row = (await session.execute(statement)).first()
    return (row[0], row[1]) if row is not None else None


async def consume_invitation(
    session: AsyncSession, invitation_id: str, user_id: str, now: datetime
) -> bool:
    """Marks it accepted only if still pending and unexpired (one UPDATE: of two concurrent
    accepts exactly one wins)."""
    statement = (
        update(TeamInvitationRow)
        .where(
            TeamInvitationRow.id == invitation_id,
            TeamInvitationRow.accepted_at.is_(None),
            TeamInvitationRow.expires_at > now,
        )
        .values(accepted_at=now, accepted_by=user_id)
        .execution_options(synchronize_session=False)
    )
    result = await session.execute(statement)
    return bool(getattr(result, "rowcount", 0) == 1)


async def delete_invitation(session: AsyncSession, team_id: str, invitation_id: str) -> bool:
    statement = delete(TeamInvitationRow).where(
        TeamInvitationRow.id == invitation_id, TeamInvitationRow.team_id == team_id
    )
    result = await session.execute(statement)
    return bool(getattr(result, "rowcount", 0) == 1)


async def workspaces(session: AsyncSession, team_id: str) -> list[TeamWorkspaceRow]:
    statement = (
        select(TeamWorkspaceRow)
        .where(TeamWorkspaceRow.team_id == team_id)
        .order_by(TeamWorkspaceRow.name, TeamWorkspaceRow.id)
    )
    return list((await session.scalars(statement)).all())


async def workspace_named(session: AsyncSession, team_id: str, name: str) -> bool:
    statement = select(TeamWorkspaceRow.id).where(
        TeamWorkspaceRow.team_id == team_id, TeamWorkspaceRow.name == name
    )
    return (await session.scalars(statement)).first() is not None


def role_in_workspace_query(user_id: str, ws_id: str) -> Select[str]:
    """The member row's role in the team owning the workspace (the access token's check
    embeds it as a scalar subquery on every /w/ request)."""
    return (
        select(TeamMemberRow.role)
        .join(TeamWorkspaceRow, TeamWorkspaceRow.team_id == TeamMemberRow.team_id)
        .where(TeamWorkspaceRow.id == ws_id, TeamMemberRow.user_id == user_id)
    )


async def role_in_workspace(session: AsyncSession | AsyncConnection, user_id: str,
                            ws_id: str) -> str | None:
    return (await session.scalars(role_in_workspace_query(user_id, ws_id))).first()
