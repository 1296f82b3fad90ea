"""Team mode's database overloaded or lost → 503 with a detail and `Retry-After`, not a bare
500: the pool exhausted (every connection busy past `pool_timeout`, what 1,000 users on two
instances hit) and a connection PostgreSQL closed (a restart: the request after it
reconnects). Real PostgreSQL, real pools."""

from __future__ import annotations

import httpx
from fastapi import FastAPI
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine
from starlette.types import Receive, Scope, Send

from pairpad.app import install_error_handlers
from pairpad.storage.db import Database
from pairpad.team.database_busy import DatabaseBusyMiddleware, install_database_busy


def _client(app: FastAPI | DatabaseBusyMiddleware) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t")


async def test_an_exhausted_pool_is_a_503_below_the_middleware_and_in_a_route(
        pg_url: str) -> None:
    engine = create_async_engine(pg_url, pool_size=1, max_overflow=0, pool_timeout=0.2)

    async def query() -> None:
        async with engine.connect() as connection:  # the only connection is held below
            await connection.execute(text("SELECT 1"))

    async def query_app(_scope: Scope, _receive: Receive, _send: Send) -> None:
        await query()

    api = FastAPI()
    install_error_handlers(api)
    install_database_busy(api)

    @api.get("/api/query")
    async def route() -> None:
        await query()

    try:
        async with engine.connect() as held:
            await held.execute(text("SELECT 1"))
            async with _client(DatabaseBusyMiddleware(query_app)) as client:
                below = await client.get("/w/x/api/files/tree")
            async with _client(api) as client:
                in_route = await client.get("/api/query")
    finally:
        await engine.dispose()
    for answer in (below, in_route):
        assert answer.status_code == 503
        assert answer.headers["retry-after"] == "2"
        assert answer.json()["detail"].startswith("The database pool is exhausted: ")


async def test_a_connection_the_server_closed_is_a_503_and_the_next_request_reconnects(
        pg_url: str) -> None:
    db = Database.for_url(pg_url)  # the team pool: no pre-ping

    async def pid_app(scope: Scope, _receive: Receive, send: Send) -> None:
        async with db.read_connection() as connection:
            pid = (await connection.execute(text("SELECT pg_backend_pid()"))).scalar_one()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": str(pid).encode()})

    killer = create_async_engine(pg_url)
    try:
        async with _client(DatabaseBusyMiddleware(pid_app)) as client:
            first = await client.get("/api/auth/me")
            assert first.status_code == 200
            async with killer.connect() as connection:  # what a PostgreSQL restart does
                await connection.execute(text("SELECT pg_terminate_backend(:pid)"),
                                         {"pid": int(first.text)})
            lost = await client.get("/api/auth/me")
            after = await client.get("/api/auth/me")
    finally:
        await killer.dispose()
        await db.dispose()
    assert lost.status_code == 503
    assert lost.json()["detail"].startswith("The connection to the database was lost")
    assert after.status_code == 200
    assert after.text != first.text  # a new server process: the pool reconnected


async def test_other_database_errors_stay_the_catch_alls_500(pg_url: str) -> None:
    db = Database.for_url(pg_url)
    api = FastAPI()
    install_error_handlers(api)
    install_database_busy(api)

    @api.get("/api/bad")
    async def bad() -> None:
        async with db.read_connection() as connection:
            await connection.execute(text("SELECT * FROM no_such_table"))

    try:
        async with _client(api) as client:
            answer = await client.get("/api/bad")
    finally:
        await db.dispose()
    assert answer.status_code == 500
    assert answer.json()["detail"].startswith("Internal error (ProgrammingError)")
