"""Shared fixtures: an app on a temp workspace and data dir, and an httpx client for it."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from pairpad.app import PairpadApp, create_app
from pairpad.config import Settings
from tests.support.postgres_fixtures import pg_session_url, pg_url  # noqa: F401  (fixtures)
from tests.support.redis_server import redis_server  # noqa: F401  (fixture)

# The embedded model is started in the background by every server by default (a warm first
# answer); in tests only those that use it start it, else each app/server would load a model.
# Servers started as subprocesses inherit this. tests/integration/test_local_crash.py checks
# the preload itself.
os.environ.setdefault("PAIRPAD_AI__LOCAL__PRELOAD", "false")

TEST_TOKEN = "test-token-0123456789"
TEST_HOST = "127.0.0.1:8765"


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    root.mkdir()
    return root


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def settings(workspace: Path, data_dir: Path) -> Settings:
    return Settings(workspace=workspace, data_dir=data_dir, token=TEST_TOKEN, open_browser=False)


@pytest.fixture
async def app(settings: Settings) -> AsyncIterator[PairpadApp]:
    """The real app with its lifespan run (migrations, watcher, …)."""
    application = create_app(settings)
    async with application.fastapi.router.lifespan_context(application.fastapi):
        yield application


@pytest.fixture
async def client(app: PairpadApp) -> AsyncIterator[httpx.AsyncClient]:
    """Bearer-authenticated API client."""
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url=f"http://{TEST_HOST}",
        headers={"Authorization": f"Bearer {TEST_TOKEN}"},
    ) as http:
        yield http


@pytest.fixture
async def anonymous(app: PairpadApp) -> AsyncIterator[httpx.AsyncClient]:
    """A client with no credentials at all."""
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url=f"http://{TEST_HOST}"
    ) as http:
        yield http
