"""The PostgreSQL test helpers: a fresh empty database per test, really dropped after."""

from __future__ import annotations

import asyncpg
from sqlalchemy.engine import make_url

from tests.support.postgres import drop_database, fresh_database_url, server_url


async def _tables(url: str) -> list[str]:
    dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    connection = await asyncpg.connect(dsn)
    try:
        rows = await connection.fetch(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
    finally:
        await connection.close()
    return [row["tablename"] for row in rows]


async def _exists(name: str) -> bool:
    dsn = server_url().render_as_string(hide_password=False)
    connection = await asyncpg.connect(dsn)
    try:
        found = await connection.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name)
    finally:
        await connection.close()
    return found == 1


async def test_pg_url_is_a_fresh_empty_asyncpg_database(pg_url: str) -> None:
    url = make_url(pg_url)
    assert url.drivername == "postgresql+asyncpg"
    assert (url.database or "").startswith("pairpad_test_")
    assert await _tables(pg_url) == []


async def test_drop_database_removes_it_even_with_an_open_connection() -> None:
    url = fresh_database_url()
    name = make_url(url).database or ""
    assert await _exists(name)
    dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    held = await asyncpg.connect(dsn)
    try:
        drop_database(url)
    finally:
        await held.close()
    assert not await _exists(name)


def test_drop_database_refuses_databases_it_did_not_make() -> None:
    import pytest

    with pytest.raises(ValueError):
        drop_database("postgresql+asyncpg://postgres@127.0.0.1:5432/postgres")
