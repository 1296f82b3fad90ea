"""The audit trail's admin view (team mode): `GET /api/admin/audit`, for server admins
(accounts made with `pairpad admin create-user --admin`). Newest first; the next page is
`before_id=<next_before_id>`. Filters combine (AND)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field

from pairpad.accounts.team_services import TeamServices, team_services
from pairpad.api.openapi import errors
from pairpad.api.team_deps import signed_in
from pairpad.audit.trail import AuditFilter, AuditTrail
from pairpad.auth.identity import Identity
from pairpad.errors import Forbidden, InternalError

router = APIRouter(prefix="/api/admin", tags=["admin"])

Me = Annotated[Identity, Depends(signed_in)]
ADMINS_ONLY = "Only server admins may read the audit trail (an admin makes one with " \
              "`pairpad admin create-user --admin`)."
MAX_PAGE = 200


class AuditEventOut(BaseModel):
    id: int
    created_at: datetime
    actor: str = Field(description="A user id, `anonymous` or `system`")
    action: str = Field(description="auth.login, team.role_changed, authz.denied …")
    target: str = Field(description="user:<id>, team:<id>, workspace:<id>, email:<address>")
    details: dict[str, Any]
    hash: str


class AuditPage(BaseModel):
    events: list[AuditEventOut]
    next_before_id: int | None = Field(
        description="Pass as `before_id` for the next (older) page; null on the last page")


async def _admin_trail(request: Request, me: Me) -> AuditTrail:
    team: TeamServices = team_services(request)
    user = await team.accounts.get_user(me.user_id)
    if user is None or not user.is_admin:
        if team.audit is not None:
            await team.audit.record(me.user_id, "authz.denied", "audit",
                                    {"reason": ADMINS_ONLY})
        raise Forbidden(ADMINS_ONLY)
    if team.audit is None:
        raise InternalError("This server keeps no audit trail.")
    return team.audit


Trail = Annotated[AuditTrail, Depends(_admin_trail)]


@router.get("/audit", responses=errors({403: "Not a server admin"}))
async def list_audit_events(
    trail: Trail, request: Request,
    actor: Annotated[str | None, Query(max_length=320, description="A user id, or an email "
                                       "(the account's id is looked up)")] = None,
    action: Annotated[str | None, Query(max_length=64)] = None,
    target: Annotated[str | None, Query(max_length=400)] = None,
    since: Annotated[datetime | None, Query(description="created_at ≥ since")] = None,
    until: Annotated[datetime | None, Query(description="created_at < until")] = None,
    before_id: Annotated[int | None, Query(ge=1)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 50,
) -> AuditPage:
    """Security events, newest first."""
    if actor and "@" in actor:
        user = await team_services(request).accounts.find_user_by_email(actor)
        actor = user.id if user is not None else actor
    events = await trail.list(AuditFilter(
        actor=actor or None, action=action or None, target=target or None, since=since,
        until=until, before_id=before_id, limit=limit))
    shown = [AuditEventOut(id=e.id, created_at=e.created_at, actor=e.actor, action=e.action,
                           target=e.target, details=dict(e.details), hash=e.hash)
             for e in events]
    return AuditPage(events=shown,
                     next_before_id=shown[-1].id if len(shown) == limit else None)
