"""The team server's own services: one database (migrated at start), accounts, teams,
OAuth and passkeys over it, and the Redis client when several instances share one."""

from __future__ import annotations

from pairpad.accounts.oauth import OAuthService
from pairpad.accounts.passkeys import PasskeyService
from pairpad.accounts.service import AccountService
from pairpad.accounts.settings import TeamSettings
from pairpad.accounts.team_services import TeamServices
from pairpad.accounts.teams import TeamService
from pairpad.audit.trail import AuditTrail
from pairpad.storage.db import Database
from pairpad.team.redis import connect_redis


def build_team_services(team_settings: TeamSettings) -> TeamServices:
    db = Database.for_url(team_settings.database_url)
    audit = AuditTrail(db)  # security events, hash-chained (shared by every instance)
    return TeamServices(
        settings=team_settings, db=db,
        accounts=AccountService(db, team_settings, audit=audit),
        teams=TeamService(db, team_settings, audit=audit),
        oauth=OAuthService(db, team_settings),
        passkeys=PasskeyService(db, team_settings, audit=audit),
        audit=audit,
        redis=connect_redis(team_settings.redis_url) if team_settings.redis_url else None,
    )
