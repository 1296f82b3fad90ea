"""PostgreSQL fixtures (registered in tests/conftest.py): a fresh empty database per test
(`pg_url`) or per session (`pg_session_url`), dropped after. Without a reachable server the
test skips, and with CI=true it fails: CI must test on PostgreSQL, never skip it."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.support.postgres import (
    drop_database,
    fresh_database_url,
    postgres_available,
    server_url,
)


def require_postgres() -> None:
    if postgres_available():
        return
    where = server_url().render_as_string(hide_password=True)
    message = (
        f"PostgreSQL is not reachable at {where}: start it "
        "(`scripts/ensure-services.sh`, or "
        "`pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start`) "
        "or point PAIRPAD_TEST_POSTGRES at a server (trust auth, may CREATE DATABASE)"
    )
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture
def pg_url() -> Iterator[str]:
    """postgresql+asyncpg URL of a new empty database, dropped after the test."""
    require_postgres()
    url = fresh_database_url()
    try:
        yield url
    finally:
        drop_database(url)


@pytest.fixture(scope="session")
def pg_session_url() -> Iterator[str]:
    """One new empty database for the whole test session (tests share it: keep rows apart)."""
    require_postgres()
    url = fresh_database_url()
    try:
        yield url
    finally:
        drop_database(url)
