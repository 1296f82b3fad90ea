"""A small team-mode app for the sign-in tests: the account, OAuth and passkey routers with
real TeamServices on a migrated database, behind the team security middleware (identity
from Bearer or the access cookie), reached in-process over httpx at https://pairpad.test."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import delete
from starlette.types import ASGIApp

from pairpad.accounts.oauth import OAuthService
from pairpad.accounts.passkeys import PasskeyService
from pairpad.accounts.service import AccountService
from pairpad.accounts.settings import OAuthProviderSettings, TeamSettings
from pairpad.accounts.team_services import TeamServices
from pairpad.accounts.teams import TeamService
from pairpad.api import auth as auth_api
from pairpad.api import oauth as oauth_api
from pairpad.api import passkeys as passkeys_api
from pairpad.app import install_error_handlers
from pairpad.storage.db import Database
from pairpad.storage.team_tables import AuthChallengeRow, UserRow
from pairpad.team.middleware import TeamSecurityMiddleware
from tests.support.postgres import drop_database, fresh_database_url
from tests.support.postgres_fixtures import require_postgres

DATABASES = ["sqlite", "postgresql"]
ORIGIN = "https://pairpad.test"
ACCESS_COOKIE_NAME = "__Host-pairpad_access"
PASSWORD = "correct horse battery staple 42"


@dataclass
class SigninApp:
    team: TeamServices
    asgi: ASGIApp
    client: httpx.AsyncClient  # no credentials; cookies kept (https, so Secure ones too)

    def other_browser(self) -> httpx.AsyncClient:
        """Another client of the same app, with none of `client`'s cookies."""
        return httpx.AsyncClient(transport=httpx.ASGITransport(app=self.asgi), base_url=ORIGIN,
                                 timeout=30)

    def bearer(self, token: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {token}"}

    async def user_with_password(self, email: str) -> str:
        user = await self.team.accounts.create_user(email, PASSWORD, email_verified=True)
        return user.id

    async def login(self, email: str) -> dict[str, object]:
        answer = await self.client.post("/api/auth/login",
                                        json={"email": email, "password": PASSWORD})
        assert answer.status_code == 200, answer.text
        body: dict[str, object] = answer.json()
        return body


@pytest.fixture(scope="module")
def signin_pg_url() -> Iterator[str]:
    """A fresh PostgreSQL database for one test module (dropped after); `sign_in_database`
    empties it after each test."""
    require_postgres()
    url = fresh_database_url()
    try:
        yield url
    finally:
        drop_database(url)


@asynccontextmanager
async def sign_in_database(request: pytest.FixtureRequest, kind: str,
                           tmp_path: Path) -> AsyncIterator[Database]:
    """A migrated database that only this test uses (the tests count rows): a SQLite file,
    or the module's PostgreSQL database, emptied of accounts and challenges after."""
    if kind == "sqlite":
        db = Database.for_sqlite_file(tmp_path / "data" / "pairpad.sqlite3")
    else:
        db = Database(request.getfixturevalue("signin_pg_url"))
    try:
        await db.migrate()
        yield db
    finally:
        if kind != "sqlite":
            async with db.session() as session:  # users cascade to their rows
                await session.execute(delete(AuthChallengeRow))
                await session.execute(delete(UserRow))
        await db.dispose()


@asynccontextmanager
async def signin_app(
    db: Database, workspaces: Path, *, oauth: list[OAuthProviderSettings] | None = None,
    open_registration: bool = True,
) -> AsyncIterator[SigninApp]:
    settings = TeamSettings(
        database_url=db.url, workspaces_dir=workspaces, public_url=None,
        oauth=oauth or [], open_registration=open_registration,
    )
    team = TeamServices(
        settings=settings, db=db, accounts=AccountService(db, settings),
        teams=TeamService(db, settings), oauth=OAuthService(db, settings),
        passkeys=PasskeyService(db, settings),
    )
    await team.accounts.start()
    api = FastAPI()
    install_error_handlers(api)
    for module in (auth_api, oauth_api, passkeys_api):
        api.include_router(module.router)
    api.state.team = team
    app = TeamSecurityMiddleware(api, team.accounts.identity_from_access_token,
                                 frozenset({"pairpad.test"}), 1 << 20)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=ORIGIN,
                                 timeout=30) as client:
        yield SigninApp(team, app, client)
