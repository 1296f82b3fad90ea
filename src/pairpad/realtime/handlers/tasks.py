"""Socket.IO handler for streamed task runs; the app registers it beside the routers.

- `task:run {name}` -> ack `{run_id, name, argv, sandbox}`; the socket joins the run's room
  first and receives `run:output` then `run:exit` (as for `run:start`), and every client
  `problems:changed {source: "task:<name>", problems}` when it ends (not when cancelled).
  Error acks: `{error, status: 428, task: {name, argv, source, detail}}` for a config task
  the user has not approved, 404 unknown task, 503 no sandbox (tasks never run unconfined).
  `run:cancel {run_id}` and a disconnect stop it like any run.
"""

from __future__ import annotations

from typing import Any

from pairpad.auth.authorizer import Authorizer, Policy, Resource
from pairpad.errors import PairpadError
from pairpad.events.models import run_room
from pairpad.realtime.handlers.acks import error_ack, refusal_check
from pairpad.realtime.socketio_adapter import SocketIOAdapter
from pairpad.runtime.tasks import TaskService

RESOURCE: Resource = "runtime"


def register_task_handlers(
    realtime: SocketIOAdapter, tasks: TaskService, authorizer: Policy | None = None
) -> None:
    sio = realtime.sio
    refused = refusal_check(sio, authorizer or Authorizer(), RESOURCE)

    async def run(sid: str, data: Any = None, *_extra: Any) -> dict[str, Any]:
        if (refusal_ack := await refused(sid, "execute")) is not None:
            return refusal_ack
        name = data.get("name") if isinstance(data, dict) else None
        if not isinstance(name, str) or not name:
            return error_ack("task:run needs {name} (a task of GET /api/tasks)", 422)

        async def join(run_id: str) -> None:
            await sio.enter_room(sid, run_room(run_id))

        try:
            run_id, task, sandbox = await tasks.start(name, owner=sid, join=join)
        except PairpadError as error:
            return error_ack(error.detail, error.status_code, **error.extra)
        return {"run_id": run_id, "name": task.name, "argv": list(task.argv),
                "sandbox": sandbox}

    sio.on("task:run", run)
