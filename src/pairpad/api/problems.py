"""The Problems panel's data: `GET /api/problems` (every source's list) and
`DELETE /api/problems/{source}` (clears one; `problems:changed` with an empty list)."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, Field

from pairpad.api.authz import authorized
from pairpad.api.deps import ServicesDep
from pairpad.api.openapi import errors
from pairpad.api.tasks import OkResponse, TaskProblem

router = APIRouter(tags=["tasks"])


class ProblemsResponse(BaseModel):
    sources: dict[str, list[TaskProblem]] = Field(description="`task:<name>` -> its problems, "
                                              "as of its last run.")


@router.get("/api/problems", dependencies=[authorized("read", "runtime")])
async def list_problems(services: ServicesDep) -> ProblemsResponse:
    return ProblemsResponse(sources={source: TaskProblem.of(problems) for source, problems
                                     in services.tasks.problems.all().items()})


@router.delete("/api/problems/{source}", dependencies=[authorized("execute", "runtime")],
               responses=errors({404: "No problems from that source"}))
async def clear_problems(source: str, services: ServicesDep) -> OkResponse:
    await services.tasks.problems.clear(source)
    return OkResponse(ok=True)
