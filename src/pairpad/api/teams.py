"""Team management routes (team mode): teams, members and roles, invitations by link, team
workspaces. The rules live in accounts/teams.py; here only HTTP shapes.

Public: `GET /api/teams/invitations/{token}` (what the invitation is: the team's name, the
role, the expiry). Everything else needs a signed-in user (`signed_in`)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Request, Response
from pydantic import BaseModel, Field

from pairpad.accounts.team_services import team_services
from pairpad.accounts.teams import (
    Invitation,
    Member,
    TeamService,
    TeamSummary,
    TeamWorkspace,
)
from pairpad.api.openapi import errors
from pairpad.api.team_deps import signed_in
from pairpad.auth.identity import Identity

router = APIRouter(prefix="/api/teams", tags=["teams"])

RoleName = Literal["owner", "admin", "member", "viewer"]
Me = Annotated[Identity, Depends(signed_in)]
Id = Annotated[str, Path(min_length=1, max_length=64)]
Token = Annotated[str, Path(min_length=16, max_length=128)]

_NOT_MEMBER = {404: "No such team (also when you are not a member)"}
_MANAGE = errors({403: "Needs admin or owner (owner: to grant or remove the owner role)",
                  **_NOT_MEMBER})


def _teams(request: Request) -> TeamService:
    return team_services(request).teams


Teams = Annotated[TeamService, Depends(_teams)]


class TeamCreate(BaseModel):
    name: str = Field(min_length=1, max_length=100)


class TeamOut(BaseModel):
    id: str
    name: str
    role: RoleName


class TeamList(BaseModel):
    teams: list[TeamOut]


class TeamDetailOut(TeamOut):
    created_at: datetime
    member_count: int
    workspace_count: int


class MemberAdd(BaseModel):
    email: str = Field(min_length=3, max_length=320)
    role: RoleName = "member"


class RoleChange(BaseModel):
    role: RoleName


class MemberOut(BaseModel):
    user_id: str
    email: str
    display_name: str
    role: RoleName
    joined_at: datetime


class MemberList(BaseModel):
    members: list[MemberOut]


class InvitationCreate(BaseModel):
    email: str | None = Field(default=None, max_length=320,
                              description="Only this account may accept; none: anyone")
    role: RoleName = "member"


class InvitationOut(BaseModel):
    id: str
    email: str | None
    role: RoleName
    created_by: str | None
    created_at: datetime
    expires_at: datetime
    accepted_at: datetime | None
    accepted_by: str | None
    status: Literal["pending", "accepted", "expired"]


class InvitationCreated(InvitationOut):
    url: str = Field(description="The link to send: {public_url}/invite/{token}")
    token: str = Field(description="Shown this once: only its hash is stored")


class InvitationList(BaseModel):
    invitations: list[InvitationOut]


class InvitationPreviewOut(BaseModel):
    team_name: str
    role: RoleName
    expires_at: datetime


class WorkspaceCreate(BaseModel):
    name: str = Field(min_length=1, max_length=100)


class WorkspaceOut(BaseModel):
    id: str
    team_id: str
    name: str
    created_at: datetime
    url: str = Field(description="/w/{id}/")


class WorkspaceList(BaseModel):
    workspaces: list[WorkspaceOut]


def _team(summary: TeamSummary) -> TeamOut:
    return TeamOut.model_validate(summary, from_attributes=True)


def _member(member: Member) -> MemberOut:
    return MemberOut.model_validate(member, from_attributes=True)


def _invitation(invitation: Invitation) -> InvitationOut:
    return InvitationOut.model_validate(invitation, from_attributes=True)


def _workspace(workspace: TeamWorkspace) -> WorkspaceOut:
    # Never the folder: where workspaces live on the server is not the members' business.
    return WorkspaceOut(id=workspace.id, team_id=workspace.team_id, name=workspace.name,
                        created_at=workspace.created_at, url=f"/w/{workspace.id}/")


def invitation_url(request: Request, token: str) -> str:
    base = team_services(request).settings.public_url or str(request.base_url)
    return f"{base.rstrip('/')}/invite/{token}"


# The token routes come first: /api/teams/invitations/... is never a team id.


@router.get("/invitations/{token}", responses=errors({404: "Unknown, used or expired link"}))
async def preview_invitation(token: Token, teams: Teams) -> InvitationPreviewOut:
    """Public: what the invitation is, for the page the link opens."""
    preview = await teams.invitation_preview(token)
    return InvitationPreviewOut.model_validate(preview, from_attributes=True)


@router.post("/invitations/{token}/accept", responses=errors({
    403: "Bound to another email, or the email is not verified yet",
    404: "Unknown, used or expired link", 409: "Already a member"}))
async def accept_invitation(token: Token, me: Me, teams: Teams) -> TeamOut:
    return _team(await teams.accept_invitation(token, by=me.user_id))


@router.get("")
async def list_teams(me: Me, teams: Teams) -> TeamList:
    return TeamList(teams=[_team(team) for team in await teams.teams_of(me.user_id)])


@router.post("", status_code=201)
async def create_team(body: TeamCreate, me: Me, teams: Teams) -> TeamOut:
    """The creator becomes its owner."""
    return _team(await teams.create_team(body.name, by=me.user_id))


@router.get("/{team_id}", responses=errors(_NOT_MEMBER))
async def get_team(team_id: Id, me: Me, teams: Teams) -> TeamDetailOut:
    detail = await teams.team(team_id, by=me.user_id)
    return TeamDetailOut.model_validate(detail, from_attributes=True)


@router.get("/{team_id}/members", responses=errors(_NOT_MEMBER))
async def list_members(team_id: Id, me: Me, teams: Teams) -> MemberList:
    return MemberList(members=[_member(m) for m in await teams.members(team_id, by=me.user_id)])


@router.post("/{team_id}/members", status_code=201, responses={**_MANAGE, **errors({
    404: "No such team, or no account with that email (send an invitation)",
    409: "Already a member"})})
async def add_member(team_id: Id, body: MemberAdd, me: Me, teams: Teams) -> MemberOut:
    return _member(await teams.add_member(team_id, body.email, body.role, by=me.user_id))


@router.patch("/{team_id}/members/{user_id}", responses={**_MANAGE, **errors({
    404: "No such team or member", 409: "The last owner cannot be demoted"})})
async def change_role(team_id: Id, user_id: Id, body: RoleChange, me: Me,
                      teams: Teams) -> MemberOut:
    return _member(await teams.change_role(team_id, user_id, body.role, by=me.user_id))


@router.delete("/{team_id}/members/{user_id}", status_code=204, responses={**_MANAGE, **errors({
    404: "No such team or member", 409: "The last owner cannot be removed or leave"})})
async def remove_member(team_id: Id, user_id: Id, me: Me, teams: Teams) -> Response:
    """Your own id: leave the team."""
    await teams.remove_member(team_id, user_id, by=me.user_id)
    return Response(status_code=204)


@router.post("/{team_id}/invitations", status_code=201, responses=_MANAGE)
async def create_invitation(team_id: Id, body: InvitationCreate, me: Me, teams: Teams,
                            request: Request) -> InvitationCreated:
    created = await teams.create_invitation(team_id, body.role, body.email, by=me.user_id)
    return InvitationCreated(**_invitation(created.invitation).model_dump(),
                             url=invitation_url(request, created.token), token=created.token)


@router.get("/{team_id}/invitations", responses=_MANAGE)
async def list_invitations(team_id: Id, me: Me, teams: Teams) -> InvitationList:
    found = await teams.invitations(team_id, by=me.user_id)
    return InvitationList(invitations=[_invitation(i) for i in found])


@router.delete("/{team_id}/invitations/{invitation_id}", status_code=204,
               responses={**_MANAGE, **errors({404: "No such team or invitation"})})
async def revoke_invitation(team_id: Id, invitation_id: Id, me: Me, teams: Teams) -> Response:
    await teams.revoke_invitation(team_id, invitation_id, by=me.user_id)
    return Response(status_code=204)


@router.get("/{team_id}/workspaces", responses=errors(_NOT_MEMBER))
async def list_workspaces(team_id: Id, me: Me, teams: Teams) -> WorkspaceList:
    found = await teams.workspaces(team_id, by=me.user_id)
    return WorkspaceList(workspaces=[_workspace(w) for w in found])


@router.post("/{team_id}/workspaces", status_code=201, responses={**_MANAGE, **errors({
    409: "The team has a workspace of that name", 422: "Invalid name"})})
async def create_workspace(team_id: Id, body: WorkspaceCreate, me: Me,
                           teams: Teams) -> WorkspaceOut:
    return _workspace(await teams.create_workspace(team_id, body.name, by=me.user_id))


@router.delete("/{team_id}/workspaces/{workspace_id}", status_code=204, responses={
    **_MANAGE, **errors({404: "No such team or workspace"})})
async def delete_workspace(team_id: Id, workspace_id: Id, me: Me, teams: Teams) -> Response:
    """The folder is moved aside on the server (`.deleted/`), not erased."""
    await teams.delete_workspace(workspace_id, team_id=team_id, by=me.user_id)
    return Response(status_code=204)
