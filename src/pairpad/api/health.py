"""Health: the version (`/api/health`), liveness and readiness for an orchestrator or a
load balancer. All public: a probe has no session.

Liveness says the process and its event loop answer, and checks nothing else (a
restart would not bring a database back). Readiness runs the app's checks
(`install_readiness`): the database, and Redis in team mode when configured; a 503 names
the failing one and what to do, so an instance is taken out of rotation until it passes.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Literal

import structlog
from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from redis.asyncio import Redis
from sqlalchemy import text

from pairpad import __version__
from pairpad.api.openapi import errors
from pairpad.redis_unavailable import redis_unavailable_detail
from pairpad.storage.db import Database

log = structlog.get_logger("pairpad.health")
router = APIRouter(tags=["health"])
CHECK_TIMEOUT_S = 2.0  # a check that has not answered by then has failed

# A check: None when fine, else what is wrong and what to do.
ReadinessCheck = Callable[[], Awaitable[str | None]]


class Health(BaseModel):
    status: str
    version: str


class Live(BaseModel):
    status: Literal["ok"]


class Ready(BaseModel):
    status: Literal["ok"]
    checks: dict[str, Literal["ok", "failed"]]


@router.get("/api/health")
async def health() -> Health:
    return Health(status="ok", version=__version__)


@router.get("/api/health/live")
async def live() -> Live:
    """The process and its event loop answer (no dependency is checked)."""
    return Live(status="ok")


@router.get("/api/health/ready", response_model=Ready, responses=errors(
    {503: "A check failed: `detail` says which and what to do; `checks` has each result"}))
async def ready(request: Request) -> Ready | JSONResponse:
    """Ready to serve: the database answers (and Redis, in team mode with --redis-url)."""
    checks: dict[str, ReadinessCheck] = getattr(request.app.state, "readiness", {})
    names = list(checks)
    problems = await asyncio.gather(*(_bounded(checks[name]) for name in names))
    results: dict[str, Literal["ok", "failed"]] = {
        name: "ok" if problem is None else "failed" for name, problem in zip(names, problems,
                                                                             strict=True)}
    failed = [problem for problem in problems if problem is not None]
    if failed:
        return JSONResponse({"detail": " ".join(failed), "status": "unavailable",
                             "checks": results}, status_code=503, headers={"retry-after": "5"})
    return Ready(status="ok", checks=results)


def install_readiness(api: FastAPI, checks: dict[str, ReadinessCheck]) -> None:
    api.state.readiness = checks


async def _bounded(check: ReadinessCheck) -> str | None:
    try:
        async with asyncio.timeout(CHECK_TIMEOUT_S):
            return await check()
    except TimeoutError:
        return f"A readiness check gave no answer within {CHECK_TIMEOUT_S:g}s."


def database_check(db: Database) -> ReadinessCheck:
    """`SELECT 1` on `db` (SQLite in local mode, the team's PostgreSQL in team mode)."""
    what = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}.get(db.engine.dialect.name,
                                                                db.engine.dialect.name)

    async def check() -> str | None:
        try:
            async with asyncio.timeout(CHECK_TIMEOUT_S), db.engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
        except TimeoutError:
            return (f"The database ({what}) did not answer SELECT 1 within "
                    f"{CHECK_TIMEOUT_S:g}s: check that it is running and reachable.")
        except Exception as error:
            # The answer is public: the error's text (hosts, users) goes to the log only.
            log.warning("readiness: database unreachable", database=what, error=str(error))
            return (f"The database ({what}) is unreachable ({type(error).__name__}): check "
                    "that it is running and reachable; the server log has the error.")
        return None

    return check


def redis_check(redis: Redis, url: str) -> ReadinessCheck:
    """PING; the message never shows the URL's password."""

    async def check() -> str | None:
        try:
            async with asyncio.timeout(CHECK_TIMEOUT_S):
                await redis.ping()
        except TimeoutError:
            return redis_unavailable_detail(url, f"no answer to PING within {CHECK_TIMEOUT_S:g}s")
        except Exception as error:
            return redis_unavailable_detail(url, _first_line(error) or type(error).__name__)
        return None

    return check


def _first_line(error: BaseException) -> str:
    return str(error).strip().splitlines()[0].rstrip(". ") if str(error).strip() else ""
