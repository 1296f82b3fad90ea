"""Start the real `pairpad serve` (team mode) as a subprocess on a database, and sign users
in over its HTTP API."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from threading import Thread

import httpx

from pairpad.ratelimit.settings import GROUPS
from tests.support.postgres import drop_database, fresh_database_url
from tests.support.postgres_fixtures import require_postgres
from tests.support.server import RunningServer, launch

URL_LINE = re.compile(r"^Pairpad is running at (http://\S+?)/$")
PASSWORD = "correct horse battery staple 42"
# The server a module's tests share signs many users in and walks every route from one
# address (127.0.0.1) within a minute: far above team mode's limits (20 sign-ins a minute
# per address, 100 requests per user). They are raised here, not off (every answer still
# goes through the limiter); tests/team/test_rate_limits.py tests the limits themselves.
UNLIMITED_ENV = {f"PAIRPAD_LIMITS__{group.upper()}": "1000000/minute" for group in GROUPS}


@dataclass
class RunningTeamServer:
    process: subprocess.Popen[str]
    base_url: str
    database_url: str
    workspaces: Path
    output: list[str] = field(default_factory=list)
    readers: list[Thread] = field(default_factory=list)

    def client(self, token: str | None = None) -> httpx.AsyncClient:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return httpx.AsyncClient(base_url=self.base_url, headers=headers, timeout=30)

    def stop(self, sig: int = signal.SIGINT, timeout: float = 20) -> int:
        return RunningServer(self.process, self.base_url, "", self.output,
                             self.readers).stop(sig, timeout)


@contextmanager
def running_team_server(root: Path) -> Iterator[RunningTeamServer]:
    """`pairpad serve` on a fresh PostgreSQL database, with its folders under `root`;
    stopped and the database dropped after."""
    require_postgres()
    url = fresh_database_url()
    server = start_team_server(url, root / "workspaces", root / "data", env=UNLIMITED_ENV)
    try:
        yield server
    finally:
        server.stop()
        drop_database(url)


def start_team_server(database_url: str, workspaces: Path, data_dir: Path, *extra: str,
                      env: dict[str, str] | None = None, timeout: float = 180,
                      ) -> RunningTeamServer:
    inherited = {k: v for k, v in os.environ.items() if not k.startswith("PAIRPAD_")}
    full_env = {**inherited, "PAIRPAD_AI__LOCAL__PRELOAD": "false", **(env or {})}
    argv = [sys.executable, "-m", "pairpad", "serve", "--database-url", database_url,
            "--workspaces", str(workspaces), "--data-dir", str(data_dir), "--port", "0", *extra]
    process, match, output, readers = launch(argv, full_env, URL_LINE, timeout)
    return RunningTeamServer(process, match.group(1), database_url, workspaces, output, readers)


async def register_and_sign_in(server: RunningTeamServer, email: str) -> str:
    """A new account (open registration) and its access token."""
    async with server.client() as client:
        created = await client.post("/api/auth/register",
                                    json={"email": email, "password": PASSWORD})
        assert created.status_code in (200, 201), created.text
        return await sign_in(server, email)


async def sign_in(server: RunningTeamServer, email: str) -> str:
    async with server.client() as client:
        response = await client.post("/api/auth/login",
                                     json={"email": email, "password": PASSWORD})
        assert response.status_code == 200, response.text
        token = response.json()["access_token"]
        assert isinstance(token, str)
        return token
