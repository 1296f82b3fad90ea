"""A real `pairpad serve` on a fresh PostgreSQL database, shared by a module's tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.team_server import RunningTeamServer, running_team_server


@pytest.fixture(scope="module")
def team_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningTeamServer]:
    with running_team_server(tmp_path_factory.mktemp("team")) as server:
        yield server
