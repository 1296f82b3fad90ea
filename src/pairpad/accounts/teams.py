"""Teams, members, roles, invitations by link and team workspaces (team mode).

Rules (docs: "Teams and roles"):
- roles owner > admin > member > viewer (auth/roles.py); the creator of a team is its owner;
- managing members, invitations and workspaces needs admin or owner; only an owner grants,
  changes or removes the owner role; the last owner can be neither demoted nor removed, nor
  leave; anyone else may leave;
- a user who is not a member gets 404 for anything about the team (no enumeration of team
  ids), a member without the right gets 403;
- an invitation is a random link token (only its SHA-256 is stored), valid 7 days, single
  use, its role fixed when made; bound to an email, only a signed-in user whose verified
  email is that one may accept it.

`by` is the signed-in user acting. `create_workspace`/`delete_workspace` accept `by=None`
for the server itself (the admin CLI, the composition root), which skips the role check.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from pairpad.accounts import team_store as store
from pairpad.accounts.settings import TeamSettings
from pairpad.accounts.team_folders import TeamFolders
from pairpad.audit.chain import Detail
from pairpad.audit.trail import AuditSink
from pairpad.auth.roles import ROLES, at_least
from pairpad.errors import Conflict, Forbidden, NotFound, Unprocessable
from pairpad.storage.db import Database
from pairpad.storage.team_tables import (
    TeamInvitationRow,
    TeamMemberRow,
    TeamRow,
    TeamWorkspaceRow,
    UserRow,
)

log = logging.getLogger(__name__)

INVITATION_TTL = timedelta(days=7)
NAME_MAX = 100
NO_TEAM = "No such team."  # also to non-members: a team id says nothing to outsiders
NO_ACCOUNT = "No account with that email; send an invitation."
BAD_INVITATION = "This invitation link is not valid."
NEEDS_ADMIN = "Only a team's admins and owners may do this."
SYSTEM = "system"  # the actor of a change made by the server, not by a user
NEEDS_OWNER = "Only an owner can grant, change or remove the owner role."
LAST_OWNER = ("The team's last owner cannot be demoted or removed, nor leave: make another "
              "owner first.")


@dataclass(frozen=True)
class TeamSummary:
    id: str
    name: str
    role: str  # the asking user's role


@dataclass(frozen=True)
class TeamDetail:
    id: str
    name: str
    role: str
    created_at: datetime
    member_count: int
    workspace_count: int


@dataclass(frozen=True)
class Member:
    user_id: str
    email: str
    display_name: str
    role: str
    joined_at: datetime


@dataclass(frozen=True)
class Invitation:
    id: str
    team_id: str
    email: str | None
    role: str
    created_by: str | None
    created_at: datetime
    expires_at: datetime
    accepted_at: datetime | None
    accepted_by: str | None
    status: str  # pending | accepted | expired


@dataclass(frozen=True)
class CreatedInvitation:
    invitation: Invitation
    token: str  # shown once: only its hash is stored


@dataclass(frozen=True)
class InvitationPreview:
    """What the public invitation page may show: nothing about the team but its name."""

    team_name: str
    role: str
    expires_at: datetime


@dataclass(frozen=True)
class TeamWorkspace:
    id: str
    team_id: str
    name: str
    folder: Path
    created_at: datetime


def utc(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes (stored as UTC): make them aware."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _new_id() -> str:
    return uuid.uuid4().hex


def _clean_email(email: str | None) -> str | None:
    if email is None or not email.strip():
        return None
    cleaned = email.strip().lower()
    local, at, domain = cleaned.rpartition("@")
    if not at or not local or not domain or len(cleaned) > 320 or any(c.isspace() for c in cleaned):
        raise Unprocessable(f"Not an email address: {email!r}.")
    return cleaned


def _clean_name(name: str, what: str, *, path_safe: bool) -> str:
    cleaned = name.strip()
    if not 1 <= len(cleaned) <= NAME_MAX:
        raise Unprocessable(f"A {what} name has 1 to {NAME_MAX} characters.")
    if any(ord(c) < 32 or ord(c) == 127 for c in cleaned):
        raise Unprocessable(f"A {what} name cannot contain control characters.")
    if path_safe and ("/" in cleaned or "\\" in cleaned):
        raise Unprocessable(f"A {what} name cannot contain '/' or '\\'.")
    return cleaned


def _check_role(role: str) -> str:
    if role not in ROLES:
        raise Unprocessable(f"Unknown role {role!r}: one of {', '.join(ROLES)}.")
    return role


def _member(row: TeamMemberRow, user: UserRow) -> Member:
    return Member(user_id=user.id, email=user.email, display_name=user.display_name,
                  role=row.role, joined_at=utc(row.created_at))


class TeamService:
    def __init__(
        self,
        db: Database,
        settings: TeamSettings,
        *,
        clock: Callable[[], datetime] | None = None,
        audit: AuditSink | None = None,
    ) -> None:
        self._db = db
        self._audit = audit  # membership, role, invitation and workspace events; denials
        self._settings = settings
        self.folders = TeamFolders(settings.workspaces_dir)
        self._clock = clock or (lambda: datetime.now(UTC))

    def _now(self) -> datetime:
        return self._clock()

    # -- teams -----------------------------------------------------------------------------

    async def create_team(self, name: str, *, by: str) -> TeamSummary:
        clean = _clean_name(name, "team", path_safe=False)
        team_id = _new_id()
        async with self._db.session() as session:
            if await session.get(UserRow, by) is None:
                raise NotFound("No such user.")
            session.add(TeamRow(id=team_id, name=clean, created_by=by, created_at=self._now()))
            await session.flush()
            session.add(TeamMemberRow(team_id=team_id, user_id=by, role="owner",
                                      created_at=self._now()))
        return TeamSummary(team_id, clean, "owner")

    async def teams_of(self, user_id: str) -> list[TeamSummary]:
        async with self._db.session() as session:
            rows = await store.teams_of(session, user_id)
        return [TeamSummary(team.id, team.name, role) for team, role in rows]

    async def team(self, team_id: str, *, by: str) -> TeamDetail:
        async with self._db.session() as session:
            role = await self._role_or_404(session, team_id, by)
            team = await session.get(TeamRow, team_id)
            assert team is not None  # a member row exists (ON DELETE CASCADE)
            member_count = len(await store.members(session, team_id))
            workspace_count = len(await store.workspaces(session, team_id))
        return TeamDetail(team.id, team.name, role, utc(team.created_at), member_count,
                          workspace_count)

    # -- members ---------------------------------------------------------------------------

    async def members(self, team_id: str, *, by: str) -> list[Member]:
        """Any member may see who is in the team."""
        async with self._db.session() as session:
            await self._role_or_404(session, team_id, by)
            rows = await store.members(session, team_id)
        return [_member(row, user) for row, user in rows]

    async def add_member(self, team_id: str, email: str, role: str, *, by: str) -> Member:
        _check_role(role)
        address = _clean_email(email)
        if address is None:
            raise Unprocessable("An email address is needed.")
        async with self._db.session() as session:
            actor = await self._manager_or_raise(session, team_id, by)
            if role == "owner" and actor != "owner":
                raise await self._denied(by, team_id, NEEDS_OWNER)
            user = await store.user_by_email(session, address)
            if user is None:
                raise NotFound(NO_ACCOUNT)
            if await store.membership(session, team_id, user.id) is not None:
                raise Conflict(f"{user.email} is already a member of this team.")
            row = TeamMemberRow(team_id=team_id, user_id=user.id, role=role,
                                created_at=self._now())
            session.add(row)
            await self._flush_or_conflict(session, f"{user.email} is already a member.")
        await self._record(by, "team.member_added", f"team:{team_id}", user_id=user.id,
                           email=user.email, role=role)
        return _member(row, user)

    async def change_role(self, team_id: str, user_id: str, role: str, *, by: str) -> Member:
        _check_role(role)
        async with self._db.session() as session:
            actor = await self._manager_or_raise(session, team_id, by)
            found = await store.member_with_user(session, team_id, user_id)
            if found is None:
                raise NotFound("No such member of this team.")
            row, user = found
            if "owner" in (row.role, role) and row.role != role and actor != "owner":
                raise await self._denied(by, team_id, NEEDS_OWNER)
            if row.role == "owner" and role != "owner" and await self._last_owner(session,
                                                                                   team_id):
                raise Conflict(LAST_OWNER)
            previous, row.role = row.role, role
        await self._record(by, "team.role_changed", f"team:{team_id}", user_id=user_id,
                           email=user.email, previous=previous, role=role)
        return _member(row, user)

    async def remove_member(self, team_id: str, user_id: str, *, by: str) -> None:
        """Removing oneself is leaving: any member may, except the last owner."""
        async with self._db.session() as session:
            if user_id == by:
                await store.lock_team(session, team_id)
                row = await store.membership(session, team_id, by)
                if row is None:
                    raise NotFound(NO_TEAM)
            else:
                actor = await self._manager_or_raise(session, team_id, by)
                row = await store.membership(session, team_id, user_id)
                if row is None:
                    raise NotFound("No such member of this team.")
                if row.role == "owner" and actor != "owner":
                    raise await self._denied(by, team_id, NEEDS_OWNER)
            if row.role == "owner" and await self._last_owner(session, team_id):
                raise Conflict(LAST_OWNER)
            removed_role = row.role
            await session.delete(row)
        await self._record(by, "team.member_removed", f"team:{team_id}", user_id=user_id,
                           role=removed_role, left=user_id == by)

    # -- invitations -----------------------------------------------------------------------

    async def create_invitation(
        self, team_id: str, role: str, email: str | None = None, *, by: str
    ) -> CreatedInvitation:
        _check_role(role)
        address = _clean_email(email)
        token = secrets.token_urlsafe(32)
        now = self._now()
        async with self._db.session() as session:
            actor = await self._manager_or_raise(session, team_id, by)
            if role == "owner" and actor != "owner":
                raise await self._denied(by, team_id, NEEDS_OWNER)
            row = TeamInvitationRow(id=_new_id(), team_id=team_id, email=address, role=role,
                                    token_hash=token_hash(token), created_by=by,
                                    created_at=now, expires_at=now + INVITATION_TTL)
            session.add(row)
        await self._record(by, "team.invitation_created", f"team:{team_id}",
                           invitation_id=row.id, role=role, email=address)
        return CreatedInvitation(self._invitation(row), token)

    async def invitations(self, team_id: str, *, by: str) -> list[Invitation]:
        async with self._db.session() as session:
            await self._manager_or_raise(session, team_id, by)
            rows = await store.invitations(session, team_id)
        return [self._invitation(row) for row in rows]

    async def revoke_invitation(self, team_id: str, invitation_id: str, *, by: str) -> None:
        """Deletes it (accepted ones too: the membership stays)."""
        async with self._db.session() as session:
            await self._manager_or_raise(session, team_id, by)
            if not await store.delete_invitation(session, team_id, invitation_id):
                raise NotFound("No such invitation.")

    async def invitation_preview(self, token: str) -> InvitationPreview:
        """Public: what a pending invitation is. Unknown, used and expired links all answer
        the same 404."""
        async with self._db.session() as session:
            found = await store.invitation_by_hash(session, token_hash(token))
        if found is None or self._invitation(found[0]).status != "pending":
            raise NotFound(BAD_INVITATION)
        invitation, team = found
        return InvitationPreview(team.name, invitation.role, utc(invitation.expires_at))

    async def accept_invitation(self, token: str, *, by: str) -> TeamSummary:
        now = self._now()
        async with self._db.session() as session:
            found = await store.invitation_by_hash(session, token_hash(token))
            if found is None:
                raise NotFound(BAD_INVITATION)
            invitation, team = found
            status = self._invitation(invitation).status
            if status == "accepted":
                raise NotFound("This invitation was already used.")
            if status == "expired":
                raise NotFound("This invitation has expired: ask for a new one.")
            user = await session.get(UserRow, by)
            if user is None:
                raise NotFound("No such user.")
            if invitation.email is not None:
                if user.email.lower() != invitation.email:
                    raise await self._denied(
                        by, team.id, "This invitation is for another email address.")
                if not user.email_verified:
                    raise await self._denied(by, team.id, "Verify your email address first, "
                                             "then open the link again.")
            if await store.membership(session, team.id, by) is not None:
                raise Conflict("You are already a member of this team.")
            if not await store.consume_invitation(session, invitation.id, by, now):
                raise NotFound("This invitation was already used.")  # lost a race
            session.add(TeamMemberRow(team_id=team.id, user_id=by, role=invitation.role,
                                      created_at=now))
            await self._flush_or_conflict(session, "You are already a member of this team.")
        await self._record(by, "team.invitation_accepted", f"team:{team.id}",
                           invitation_id=invitation.id, role=invitation.role)
        return TeamSummary(team.id, team.name, invitation.role)

    # -- workspaces ------------------------------------------------------------------------

    async def workspaces(self, team_id: str, *, by: str) -> list[TeamWorkspace]:
        async with self._db.session() as session:
            await self._role_or_404(session, team_id, by)
            rows = await store.workspaces(session, team_id)
        return [self._workspace(row) for row in rows]

    async def create_workspace(self, team_id: str, name: str, *,
                               by: str | None = None) -> TeamWorkspace:
        """Row and folder together: the folder (named by the new id) is made inside the
        transaction, and removed again if the row cannot be committed."""
        clean = _clean_name(name, "workspace", path_safe=True)
        ws_id = _new_id()
        row = TeamWorkspaceRow(id=ws_id, team_id=team_id, name=clean, folder=ws_id,
                               created_at=self._now())
        created = False
        try:
            async with self._db.session() as session:
                if by is not None:
                    await self._manager_or_raise(session, team_id, by)
                elif await session.get(TeamRow, team_id) is None:
                    raise NotFound(NO_TEAM)
                if await store.workspace_named(session, team_id, clean):
                    raise Conflict(f"This team already has a workspace named {clean!r}.")
                session.add(row)
                await self._flush_or_conflict(
                    session, f"This team already has a workspace named {clean!r}.")
                self.folders.create(ws_id)
                created = True
        except BaseException:
            if created:
                self.folders.remove_empty(ws_id)
            raise
        await self._record(by or SYSTEM, "workspace.created", f"workspace:{ws_id}",
                           team_id=team_id, name=clean)
        return self._workspace(row)

    async def workspace(self, ws_id: str) -> TeamWorkspace | None:
        async with self._db.session() as session:
            row = await session.get(TeamWorkspaceRow, ws_id)
        return self._workspace(row) if row is not None else None

    async def role_in_workspace(self, user_id: str, ws_id: str) -> str | None:
        async with self._db.read_connection() as connection:
            return await store.role_in_workspace(connection, user_id, ws_id)

    async def delete_workspace(self, ws_id: str, *, team_id: str | None = None,
                               by: str | None = None) -> Path | None:
        """Deletes the row and moves the folder aside (team_folders.py): returns where it
        went (None if it was already gone). `team_id`, when given, must own the workspace."""
        moved: Path | None = None
        folder = ws_id
        try:
            async with self._db.session() as session:
                row = await session.get(TeamWorkspaceRow, ws_id)
                if by is not None:
                    owner_team = team_id or (row.team_id if row is not None else "")
                    await self._manager_or_raise(session, owner_team, by)
                if row is None or (team_id is not None and row.team_id != team_id):
                    raise NotFound("No such workspace in this team.")
                folder, owner_team = row.folder, row.team_id
                await session.delete(row)
                await session.flush()
                # Last step before the commit: a failed move rolls the row back.
                moved = self.folders.move_aside(folder, self._now())
        except BaseException:
            if moved is not None:  # the commit failed: the workspace stays as it was
                self.folders.restore(moved, folder)
            raise
        log.info("team workspace %s deleted; its folder was moved to %s", ws_id, moved)
        await self._record(by or SYSTEM, "workspace.deleted", f"workspace:{ws_id}",
                           team_id=owner_team, moved_to=str(moved) if moved else None)
        return moved

    # -- helpers ---------------------------------------------------------------------------

    async def _role_or_404(self, session: AsyncSession, team_id: str, user_id: str) -> str:
        role = await store.role_of(session, team_id, user_id)
        if role is None:
            raise NotFound(NO_TEAM)
        return role

    async def _manager_or_raise(self, session: AsyncSession, team_id: str, user_id: str) -> str:
        """The actor's role if admin or owner (the team row locked for the rest of the
        transaction); 404 for non-members, 403 for the others."""
        await store.lock_team(session, team_id)
        role = await self._role_or_404(session, team_id, user_id)
        if not at_least(role, "admin"):
            raise await self._denied(user_id, team_id, NEEDS_ADMIN, role=role)
        return role

    async def _record(self, actor: str, action: str, target: str, **details: Detail) -> None:
        if self._audit is not None:
            await self._audit.record(actor, action, target, details)

    async def _denied(self, actor: str, team_id: str, reason: str, **details: Detail
                      ) -> Forbidden:
        """The 403 to raise, recorded as authz.denied (in its own transaction: it stays
        when the refused one rolls back)."""
        await self._record(actor, "authz.denied", f"team:{team_id}", reason=reason, **details)
        return Forbidden(reason)

    async def _last_owner(self, session: AsyncSession, team_id: str) -> bool:
        return await store.count_owners(session, team_id) <= 1

    @staticmethod
    async def _flush_or_conflict(session: AsyncSession, detail: str) -> None:
        try:
            await session.flush()
        except IntegrityError as error:
            raise Conflict(detail) from error

    def _invitation(self, row: TeamInvitationRow) -> Invitation:
        expires = utc(row.expires_at)
        if row.accepted_at is not None:
            status = "accepted"
        elif expires <= self._now():
            status = "expired"
        else:
            status = "pending"
        return Invitation(
            id=row.id, team_id=row.team_id, email=row.email, role=row.role,
            created_by=row.created_by, created_at=utc(row.created_at), expires_at=expires,
            accepted_at=utc(row.accepted_at) if row.accepted_at else None,
            accepted_by=row.accepted_by, status=status,
        )

    def _workspace(self, row: TeamWorkspaceRow) -> TeamWorkspace:
        return TeamWorkspace(id=row.id, team_id=row.team_id, name=row.name,
                             folder=self.folders.path(row.folder), created_at=utc(row.created_at))
