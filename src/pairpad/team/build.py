"""The team server's own services: one database (migrated at start), accounts, teams,
OAuth and passkeys over it."""

from __future__ import annotations

from pairpad.accounts.oauth import OAuthService
from pairpad.accounts.passkeys import PasskeyService
from pairpad.accounts.service import AccountService
from pairpad.accounts.settings import TeamSettings
from pairpad.accounts.team_services import TeamServices
from pairpad.accounts.teams import TeamService
from pairpad.storage.db import Database


def build_team_services(team_settings: TeamSettings) -> TeamServices:
    db = Database.for_url(team_settings.database_url)
    return TeamServices(
        settings=team_settings, db=db,
        accounts=AccountService(db, team_settings),
        teams=TeamService(db, team_settings),
        oauth=OAuthService(db, team_settings),
        passkeys=PasskeyService(db, team_settings),
    )
