"""A real `pairpad serve` on a fresh PostgreSQL database, shared by a module's tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.postgres import drop_database, fresh_database_url
from tests.support.postgres_fixtures import require_postgres
from tests.support.team_server import RunningTeamServer, start_team_server


@pytest.fixture(scope="module")
def team_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningTeamServer]:
    require_postgres()
    url = fresh_database_url()
    root = tmp_path_factory.mktemp("team")
    server = start_team_server(url, root / "workspaces", root / "data")
    try:
        yield server
    finally:
        server.stop()
        drop_database(url)


@pytest.fixture
def team_workspaces(team_server: RunningTeamServer) -> Path:
    return team_server.workspaces
