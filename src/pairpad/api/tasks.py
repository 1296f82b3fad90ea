"""Workspace tasks over HTTP: `GET /api/tasks` (the tasks, whether each may run),
`POST /api/tasks/approve` (the user allows a config task's exact argv) and
`POST /api/tasks/run` (one task, synchronously, with its problems — for tests, the CLI and
tools). Streamed runs are Socket.IO's `task:run` (`realtime/handlers/tasks.py`).
"""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from pairpad.api.authz import authorized
from pairpad.api.deps import ServicesDep
from pairpad.api.disconnect import cancel_on_disconnect
from pairpad.api.openapi import errors
from pairpad.api.run import RunResponse, SandboxName
from pairpad.events.models import Problem
from pairpad.runtime.problems import Matcher

router = APIRouter(tags=["tasks"])


class TaskProblem(Problem):
    """One diagnostic (the `problems:changed` event's `Problem`; its own name here, as the
    index routes have a `Problem` of their own)."""

    @classmethod
    def of(cls, problems: list[Problem]) -> list[TaskProblem]:
        return [cls.model_validate(problem, from_attributes=True) for problem in problems]


class TaskInfo(BaseModel):
    name: str = Field(description="`test`, `lint`, `format`, `build`, `typecheck` or the "
                      "config's own name.")
    argv: list[str] = Field(description="The program and its arguments (run in the "
                            "workspace root, in the sandbox).")
    source: Literal["config", "detected"] = Field(description="`config`: the workspace's "
                                                  ".pairpad/config.toml [commands]; "
                                                  "`detected`: chosen by Pairpad.")
    detail: str = Field(description="Where it comes from, for people.")
    approved: bool = Field(description="May run now: detected ones always; config ones once "
                           "the user approved this exact argv.")
    problem_matcher: Matcher = Field(description="How its output is read into problems.")
    timeout_s: float | None = Field(default=None, description="Its own wall-clock limit "
                                    "(config `timeout_s`); null: runtime.timeout_s.")


class TaskListResponse(BaseModel):
    tasks: list[TaskInfo]
    config_error: str | None = Field(description="What is wrong with the workspace config's "
                                     "[commands] (its good entries still count).")
    sandbox: SandboxName = Field(description="The sandbox tasks run in; `none`: they cannot "
                                 "run.")


class ApproveRequest(BaseModel):
    name: str = Field(min_length=1, max_length=64)
    argv: list[str] = Field(min_length=1, description="The argv the user saw and approves.")


class OkResponse(BaseModel):
    ok: bool


class TaskRunRequest(BaseModel):
    name: str = Field(min_length=1, max_length=64)


class TaskRunResponse(BaseModel):
    name: str
    argv: list[str]
    result: RunResponse
    problems: list[TaskProblem] = Field(description="Its problems (also kept for GET "
                                    "/api/problems as `task:<name>`).")


@router.get("/api/tasks", dependencies=[authorized("read", "runtime")])
async def list_tasks(services: ServicesDep) -> TaskListResponse:
    """The workspace's tasks: its config's [commands], then the detected ones."""
    listing = await services.tasks.listing()
    return TaskListResponse(
        tasks=[TaskInfo(name=v.task.name, argv=list(v.task.argv), source=v.task.source,
                        detail=v.task.detail, approved=v.approved,
                        problem_matcher=v.task.problem_matcher, timeout_s=v.task.timeout_s)
               for v in listing.tasks],
        config_error=listing.config_error, sandbox=listing.sandbox)


@router.post("/api/tasks/approve", dependencies=[authorized("execute", "runtime")],
             responses=errors({
                 404: "No task of that name",
                 409: "The task's argv is no longer the one approved (the file changed)",
             }))
async def approve_task(body: ApproveRequest, services: ServicesDep) -> OkResponse:
    """The user allows this workspace's config task `name` to run with exactly `argv`
    (stored in the user's database, never in the workspace)."""
    await services.tasks.approve(body.name, body.argv)
    return OkResponse(ok=True)


@router.post("/api/tasks/run", dependencies=[authorized("execute", "runtime")],
             responses=errors({
                 404: "No task of that name",
                 428: "A config task whose argv the user has not approved (`task` says which)",
                 503: "No sandbox can run tasks here (tasks never run unconfined)",
             }))
async def run_task(body: TaskRunRequest, request: Request, services: ServicesDep
                   ) -> TaskRunResponse:
    """Run one task in the sandbox and answer when it has ended, with its problems."""
    async with cancel_on_disconnect(request) as cancel:
        task, result, problems = await services.tasks.run(body.name, cancel)
    return TaskRunResponse(
        name=task.name, argv=list(task.argv), problems=TaskProblem.of(problems), result=RunResponse(
            exit_code=result.exit_code, signal=result.signal, stdout=result.stdout,
            stderr=result.stderr, truncated=result.truncated, timed_out=result.timed_out,
            duration_ms=result.duration_ms, sandbox=result.sandbox))
