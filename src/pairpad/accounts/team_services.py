"""The long-lived services of a team-mode server (`pairpad serve`), built by pairpad.team
and reached by the account, team and sign-in routes through `team_services(request)`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from fastapi import Request
from redis.asyncio import Redis

from pairpad.accounts.settings import TeamSettings
from pairpad.storage.db import Database

if TYPE_CHECKING:
    from pairpad.accounts.oauth import OAuthService
    from pairpad.accounts.passkeys import PasskeyService
    from pairpad.accounts.service import AccountService
    from pairpad.accounts.teams import TeamService
    from pairpad.audit.trail import AuditTrail


@dataclass
class TeamServices:
    settings: TeamSettings
    db: Database
    accounts: AccountService  # users, passwords, tokens, sessions, TOTP, recovery codes
    teams: TeamService  # teams, members, roles, invitations, team workspaces
    oauth: OAuthService  # OAuth / OpenID Connect sign-in
    passkeys: PasskeyService  # WebAuthn
    audit: AuditTrail | None = None  # the audit trail (the admin view reads it)
    # --redis-url: shared by every instance (limits, leases, health); None: one instance.
    redis: Redis | None = None


def team_services(request: Request) -> TeamServices:
    return cast(TeamServices, request.app.state.team)
