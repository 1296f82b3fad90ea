"""Index health: progress, skipped files and errors with reasons; rebuild on demand."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel

from pairpad.api.authz import authorized
from pairpad.api.deps import ServicesDep
from pairpad.api.openapi import errors

router = APIRouter(prefix="/api/index", tags=["index"])


class Problem(BaseModel):
    path: str
    reason: str


class IndexStatus(BaseModel):
    state: str  # building | ready | idle | error | disabled
    indexed: int
    total: int
    percent: float
    parsed: int
    skipped: list[Problem]
    errors: list[Problem]
    last_update: float | None  # seconds since the epoch
    duration: float | None  # seconds the last build took
    error: str | None
    database: str
    # {"state": off|pending|embedding|ready|error, "model", "embedded", "total", "detail"}
    embeddings: dict[str, Any] | None = None
    # "this instance" | "another instance": team mode with several instances, the one
    # holding the workspace's index lease runs the jobs; the others read the index it writes
    # (their state: ready once it finished a build, else building).
    indexed_by: str = "this instance"


@router.get("/status", dependencies=[authorized("read", "codebase")])
async def index_status(services: ServicesDep) -> IndexStatus:
    report = await services.context.status()
    percent = 100.0 if report.total == 0 else round(100 * report.indexed / report.total, 1)
    return IndexStatus(
        state=report.state, indexed=report.indexed, total=report.total, percent=percent,
        parsed=report.parsed,
        skipped=[Problem(path=p.path, reason=p.reason) for p in report.skipped],
        errors=[Problem(path=p.path, reason=p.reason) for p in report.errors],
        last_update=report.last_update, duration=report.duration, error=report.error,
        database=report.database, embeddings=report.embeddings, indexed_by=report.indexed_by,
    )


class RebuildStarted(BaseModel):
    # False: another instance runs this workspace's index jobs and keeps the index current.
    started: bool


@router.post(
    "/rebuild", status_code=202,
    responses=errors({503: "The codebase index is disabled (index.enabled = false)"}),
    dependencies=[authorized("write", "codebase")],
)
async def rebuild_index(services: ServicesDep) -> RebuildStarted:
    return RebuildStarted(started=await services.context.rebuild())
