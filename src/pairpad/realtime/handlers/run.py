"""Socket.IO handlers for streamed sandboxed runs; the app registers them beside the routers.

- `run:start {argv, timeout_s?, network?}` -> ack `{run_id}` or `{error, status}` (422 bad
  argv or limits, 403 network not allowed, 503 no sandbox); the socket joins the run's room
  (`run:{run_id}`) before it starts, and receives `run:output {run_id, stream, data}`
  (batched) and then `run:exit {run_id, exit_code, signal, timed_out, cancelled, truncated,
  duration_ms, sandbox, error}` (published by `RunService` on the bus).
- `run:cancel {run_id}` -> `{ok}`: kills the run's whole process group; only the socket that
  started it may. A socket that disconnects kills its runs.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field, StrictBool, ValidationError

from pairpad.auth.authorizer import Authorizer, Policy, Resource
from pairpad.errors import PairpadError
from pairpad.events.models import run_room
from pairpad.realtime.handlers.acks import error_ack, refusal_check, validation_detail
from pairpad.realtime.socketio_adapter import SocketIOAdapter
from pairpad.runtime.runs import RunService

RESOURCE: Resource = "runtime"


class RunStart(BaseModel):
    argv: Any = Field(description="Checked by the sandbox (a non-empty list of strings).")
    timeout_s: float | None = None
    network: StrictBool = False


def register_run_handlers(
    realtime: SocketIOAdapter, runs: RunService, authorizer: Policy | None = None
) -> None:
    sio = realtime.sio
    policy = authorizer or Authorizer()

    refused = refusal_check(sio, policy, RESOURCE)

    async def start(sid: str, data: Any = None, *_extra: Any) -> dict[str, Any]:
        if (refusal_ack := await refused(sid, "execute")) is not None:
            return refusal_ack
        if not isinstance(data, dict) or "argv" not in data:
            return error_ack("run:start needs {argv: [program, ...args], timeout_s?, network?}",
                          422)
        try:
            request = RunStart.model_validate(data)
        except ValidationError as error:
            return error_ack(validation_detail(error, "run request"), 422)

        async def join(run_id: str) -> None:
            await sio.enter_room(sid, run_room(run_id))

        try:
            run_id = await runs.start_run(request.argv, owner=sid, timeout_s=request.timeout_s,
                                          network=request.network, join=join)
        except PairpadError as error:
            return error_ack(error.detail, error.status_code)
        return {"run_id": run_id}

    async def cancel(sid: str, data: Any = None, *_extra: Any) -> dict[str, Any]:
        if (refusal_ack := await refused(sid, "execute")) is not None:
            return refusal_ack
        run_id = data.get("run_id") if isinstance(data, dict) else None
        if not isinstance(run_id, str):
            return error_ack("run:cancel needs {run_id}", 400)
        return {"ok": runs.cancel(run_id, sid)}

    async def disconnected(sid: str) -> None:
        runs.cancel_owned_by(sid)

    sio.on("run:start", start)
    sio.on("run:cancel", cancel)
    realtime.on_disconnect(disconnected)
