"""The sandbox over HTTP: `GET /api/runtime` (which sandbox, its limits) and `POST /api/run`
(one command, synchronously, for tools and tests). Streamed runs are Socket.IO's `run:start`
(`realtime/handlers/run.py`). A client that goes away kills its run.
"""

from __future__ import annotations

import asyncio
from typing import Literal

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field, StrictBool, field_validator

from pairpad.api.authz import authorized
from pairpad.api.deps import ServicesDep
from pairpad.api.disconnect import cancel_on_disconnect
from pairpad.api.openapi import errors
from pairpad.errors import Unprocessable
from pairpad.runtime.sandbox import MAX_ARGS, validate_argv

router = APIRouter(tags=["runtime"])

SandboxName = Literal["bubblewrap", "landlock", "none"]


class RuntimeLimits(BaseModel):
    timeout_s: float = Field(description="Default wall-clock limit of a run (runtime.timeout_s).")
    max_timeout_s: float = Field(description="The largest timeout_s a run may ask for.")
    cpu_s: int
    memory_mb: int
    file_size_mb: int
    open_files: int
    processes: int
    processes_by: str = Field(description="What bounds the process count: `cgroup v1`, "
                              "`cgroup v2` (pids.max), `RLIMIT_NPROC`, or `none` (root "
                              "without a writable pids cgroup).")
    output_bytes: int = Field(description="Bytes kept per stream; the rest is dropped.")


class RuntimeInfo(BaseModel):
    sandbox: SandboxName = Field(description="The sandbox commands run in; `none`: refused "
                                 "unless unsandboxed_allowed.")
    network: bool = Field(description="Whether a run may ask for the network (runtime.network).")
    unsandboxed_allowed: bool = Field(description="runtime.allow_unsandboxed.")
    detail: str = Field(description="What the sandbox enforces, or why none can run.")
    landlock_abi: int = Field(description="The kernel's Landlock ABI version (0: none).")
    limits: RuntimeLimits


class RunRequest(BaseModel):
    argv: list[str] = Field(min_length=1, max_length=MAX_ARGS,
                            description="The program and its arguments (never a shell string).")
    timeout_s: float | None = Field(default=None, description="Wall-clock limit; default "
                                    "runtime.timeout_s, at most runtime.max_timeout_s.")
    network: StrictBool = Field(default=False, description="Ask for the network (allowed only "
                                "when runtime.network is on; else 403).")

    @field_validator("argv")
    @classmethod
    def _argv(cls, value: list[str]) -> list[str]:
        try:
            return validate_argv(value)
        except Unprocessable as error:
            raise ValueError(error.detail) from None


class RunResponse(BaseModel):
    exit_code: int | None = Field(description="null when a signal ended it (see `signal`).")
    signal: str | None = Field(description="`SIGKILL` … (the launcher's view; inside "
                               "bubblewrap a signal shows as exit code 128+n).")
    stdout: str
    stderr: str
    truncated: bool = Field(description="Output past runtime.output_bytes was dropped; a "
                            "marker line at the cut says how much.")
    timed_out: bool
    duration_ms: int
    sandbox: SandboxName


@router.get("/api/runtime", dependencies=[authorized("read", "runtime")])
async def runtime_info(services: ServicesDep) -> RuntimeInfo:
    """Which sandbox runs commands on this machine, what it enforces and the limits."""
    sandbox = services.runs.sandbox
    status = await asyncio.to_thread(sandbox.status)
    return RuntimeInfo(
        sandbox=status.kind, network=sandbox.settings.network,
        unsandboxed_allowed=sandbox.settings.allow_unsandboxed, detail=status.detail,
        landlock_abi=status.landlock_abi,
        limits=RuntimeLimits.model_validate(sandbox.limits()))


@router.post("/api/run", dependencies=[authorized("execute", "runtime")], responses=errors({
    403: "The run asks for the network and runtime.network is off",
    422: "Bad argv (empty, not strings, NUL) or timeout_s <= 0 or > runtime.max_timeout_s",
    503: "No sandbox can run here and runtime.allow_unsandboxed is off, or more secret and "
         "control files than runtime.max_protected_paths",
}))
async def run(body: RunRequest, request: Request, services: ServicesDep) -> RunResponse:
    """Run one command in the sandbox and answer when it has ended (or its timeout killed
    it), with its capped output."""
    async with cancel_on_disconnect(request) as cancel:
        result = await services.runs.sandbox.run(
            body.argv, timeout_s=body.timeout_s, network=body.network, cancel=cancel)
    return RunResponse(
        exit_code=result.exit_code, signal=result.signal, stdout=result.stdout,
        stderr=result.stderr, truncated=result.truncated, timed_out=result.timed_out,
        duration_ms=result.duration_ms, sandbox=result.sandbox)
