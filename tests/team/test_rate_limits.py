"""Rate limits in team mode: per user across the team routes and every workspace, per
address for sign-in (and per email), and, with Redis, one count shared by every instance
(two real `pairpad serve` processes on one PostgreSQL database and one Redis)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
import redis.asyncio

from pairpad.accounts.settings import TeamSettings
from pairpad.config import Settings
from pairpad.team.app import TeamApp, create_team_app
from tests.support.redis_server import RedisServer
from tests.support.team_server import (
    PASSWORD,
    RunningTeamServer,
    register_and_sign_in,
    start_team_server,
)

HOST = "http://127.0.0.1"


@pytest.fixture
async def team_app(tmp_path: Path) -> AsyncIterator[TeamApp]:
    settings = Settings(data_dir=tmp_path / "data", workspace=tmp_path, open_browser=False,
                        limits={"user": "6/minute", "auth": "6/minute", "auth_email": "3/minute"})
    team = TeamSettings(database_url=f"sqlite+aiosqlite:///{tmp_path}/team.sqlite3",
                        workspaces_dir=tmp_path / "ws")
    app = create_team_app(settings, team)
    async with app.api.router.lifespan_context(app.api):
        yield app


def client_at(app: TeamApp, address: str, token: str | None = None) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, client=(address, 40000))
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.AsyncClient(transport=transport, base_url=HOST, headers=headers)


async def signed_up(app: TeamApp, email: str, address: str) -> str:
    async with client_at(app, address) as http:
        created = await http.post("/api/auth/register", json={"email": email,
                                                                "password": PASSWORD})
        assert created.status_code == 201, created.text
        login = await http.post("/api/auth/login", json={"email": email, "password": PASSWORD})
        assert login.status_code == 200, login.text
        token: str = login.json()["access_token"]
        return token


async def test_a_user_count_covers_team_and_workspace_routes(team_app: TeamApp) -> None:
    alice = await signed_up(team_app, "alice@example.com", "10.1.0.1")
    bob = await signed_up(team_app, "bob@example.com", "10.1.0.2")
    async with client_at(team_app, "10.1.0.1", alice) as http:
        team = await http.post("/api/teams", json={"name": "Core"})
        assert team.status_code == 201 and team.headers["ratelimit-remaining"] == "5"
        workspace = await http.post(f"/api/teams/{team.json()['id']}/workspaces",
                                    json={"name": "app"})
        assert workspace.status_code == 201, workspace.text
        tree = f"/w/{workspace.json()['id']}/api/files/tree"
        inside = await http.get(tree)
        assert inside.status_code == 200 and inside.headers["ratelimit-remaining"] == "3"
        for _ in range(3):
            assert (await http.get("/api/auth/me")).status_code == 200
        refused = await http.get(tree)
        assert refused.status_code == 429
        assert refused.json()["detail"].startswith(
            "Too many requests: user limit 6 per minute reached; retry in ")
        assert 1 <= int(refused.headers["retry-after"]) <= 60
    # Bob, from his own address, has his own window.
    async with client_at(team_app, "10.1.0.2", bob) as http:
        me = await http.get("/api/auth/me")
        assert me.status_code == 200 and me.headers["ratelimit-remaining"] == "5"


async def test_sign_in_is_limited_per_address_and_per_email(team_app: TeamApp) -> None:
    alice = await signed_up(team_app, "alice@example.com", "10.2.0.1")
    async with client_at(team_app, "10.2.0.9") as guesser:
        for n in range(6):  # six unknown accounts: each a 401, all from one address
            wrong = await guesser.post("/api/auth/login",
                                       json={"email": f"u{n}@example.com", "password": "x"})
            assert wrong.status_code == 401, wrong.text
            # The headers tell the window nearer its end: the address's once it has fewer
            # left than the fresh email's (2 of 3).
            assert wrong.headers["ratelimit-remaining"] == str(min(5 - n, 2))
        refused = await guesser.post("/api/auth/login",
                                     json={"email": "alice@example.com", "password": PASSWORD})
        assert refused.status_code == 429
        assert "auth limit 6 per minute" in refused.json()["detail"]
        assert "retry-after" in refused.headers
    # The same sign-in from another address goes; a signed-in user's requests are another
    # group, even from the refused address.
    async with client_at(team_app, "10.2.0.10") as other:
        login = await other.post("/api/auth/login",
                                 json={"email": "alice@example.com", "password": PASSWORD})
        assert login.status_code == 200, login.text
    async with client_at(team_app, "10.2.0.9", alice) as http:
        assert (await http.get("/api/auth/me")).status_code == 200
    # One account tried from many addresses: 3 a minute per email.
    for n in range(3):
        async with client_at(team_app, f"10.3.0.{n}") as http:
            answer = await http.post("/api/auth/password/forgot",
                                     json={"email": "Carol@Example.com"})
            assert answer.status_code == 202, answer.text
    async with client_at(team_app, "10.3.0.99") as http:
        refused = await http.post("/api/auth/login",
                                  json={"email": "carol@example.com", "password": "x"})
        assert refused.status_code == 429
        assert "auth_email limit 3 per minute" in refused.json()["detail"]


async def test_a_limit_is_counted_across_two_instances(
        pg_url: str, redis_server: RedisServer, tmp_path: Path) -> None:
    env = {"PAIRPAD_LIMITS__USER": "5/minute"}
    folders = (tmp_path / "workspaces", tmp_path / "data")
    # One public URL for both, as behind a load balancer (it is the tokens' issuer).
    args = ("--redis-url", redis_server.url, "--public-url", "http://127.0.0.1/")
    first = start_team_server(pg_url, *folders, *args, env=env)
    second: RunningTeamServer | None = None
    try:
        # One after the other: the first migrates the database.
        second = start_team_server(pg_url, *folders, *args, env=env)
        token = await register_and_sign_in(first, "ada@example.com")
        async with first.client(token) as on_a, second.client(token) as on_b:
            remaining = []
            for http in (on_a, on_a, on_a, on_b, on_b):
                answer = await http.get("/api/auth/me")
                assert answer.status_code == 200, answer.text
                remaining.append(answer.headers["ratelimit-remaining"])
            assert remaining == ["4", "3", "2", "1", "0"]
            refused = await on_b.get("/api/auth/me")  # the 6th, 3 on A and 3 on B
            assert refused.status_code == 429, refused.text
            assert "user limit 5 per minute" in refused.json()["detail"]
            assert (await on_a.get("/api/auth/me")).status_code == 429
            keys = await _redis_keys(redis_server.url)
            assert any(key.startswith("pairpad:limits:LIMITER/user/") for key in keys), keys
            assert all(key.startswith("pairpad:") for key in keys), keys

            # Redis down: a clear 503, never an unlimited pass; back once Redis answers.
            redis_server.stop()
            down = await on_a.get("/api/auth/me")
            assert down.status_code == 503, down.text
            assert down.headers["retry-after"] == "5"
            assert down.json()["detail"].startswith(f"Redis at {redis_server.url} is "
                                                    "unreachable: ")
            redis_server.start()  # empty: the windows start over
            assert await _answers_again(on_a) == 200
    finally:
        if second is not None:
            second.stop()
        first.stop()


async def _redis_keys(url: str) -> list[str]:
    client = redis.asyncio.Redis.from_url(url, decode_responses=True)
    try:
        return [str(key) for key in await client.keys("*")]
    finally:
        await client.aclose()


async def _answers_again(http: httpx.AsyncClient) -> int:
    status = 0
    for _ in range(50):
        status = (await http.get("/api/auth/me")).status_code
        if status == 200:
            break
        await asyncio.sleep(0.2)
    return status
