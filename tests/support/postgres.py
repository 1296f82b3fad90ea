"""Throwaway databases on the machine's PostgreSQL server (127.0.0.1:5432, user postgres,
trust auth; `PAIRPAD_TEST_POSTGRES` names another server, e.g. postgresql://u:p@host:5433).

Each test (or session) gets a new empty database `pairpad_test_<hex>` and drops it after.
The helpers are synchronous so sync and async tests alike can call them: asyncpg runs on
its own event loop in a worker thread, never on the test's loop.
"""

from __future__ import annotations

import asyncio
import os
import secrets
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

import asyncpg
from sqlalchemy.engine import URL, make_url

DEFAULT_SERVER = "postgresql://postgres@127.0.0.1:5432/postgres"
DATABASE_PREFIX = "pairpad_test_"
CONNECT_TIMEOUT = 3.0

T = TypeVar("T")


def server_url() -> URL:
    """The server to create databases on (its own database part is only used to connect)."""
    url = make_url(os.environ.get("PAIRPAD_TEST_POSTGRES") or DEFAULT_SERVER)
    return url.set(drivername="postgresql", database=url.database or "postgres")


def _dsn(url: URL) -> str:
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def _run(make: Callable[[], Awaitable[T]]) -> T:
    def in_thread() -> T:
        async def main() -> T:
            return await make()

        return asyncio.run(main())

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(in_thread).result()


async def _execute(statement: str) -> None:
    connection = await asyncpg.connect(_dsn(server_url()), timeout=CONNECT_TIMEOUT)
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


def postgres_available() -> bool:
    """Whether the server answers a connection (and so tests can create databases on it)."""

    async def probe() -> bool:
        try:
            await _execute("SELECT 1")
        except (TimeoutError, OSError, asyncpg.PostgresError):
            return False
        return True

    return _run(probe)


def fresh_database_url() -> str:
    """Create a new empty database; its SQLAlchemy URL (postgresql+asyncpg://…/<name>)."""
    name = f"{DATABASE_PREFIX}{secrets.token_hex(6)}"
    _run(lambda: _execute(f'CREATE DATABASE "{name}"'))
    url = server_url().set(drivername="postgresql+asyncpg", database=name)
    return url.render_as_string(hide_password=False)


def drop_database(url: str) -> None:
    """Drop a database made by fresh_database_url, even with connections still open."""
    name = make_url(url).database or ""
    if not name.startswith(DATABASE_PREFIX):  # never drop anything these helpers did not make
        raise ValueError(f"not a test database: {name!r}")
    _run(lambda: _execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
