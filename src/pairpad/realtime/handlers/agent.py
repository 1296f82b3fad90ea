"""Socket.IO handlers for agent runs (issue 14); the app registers them beside the routers.

- `agent:start {task, mode, model?}` -> ack `{run_id}` or `{error, status}`; the socket joins
  the run's room (`agent:{run_id}`) before the first event.
- `agent:join {run_id, after_seq?}` -> ack `{ok, status}`; the socket joins the room, then
  gets the run's events after `after_seq` replayed to it alone (a reload, a second window,
  after a restart). Events published around the join may arrive twice: clients dedupe by seq.
- `agent:decide {run_id, call_id, approve}` -> `{ok}`; `agent:cancel {run_id}` -> `{ok}`.

The runs' events (`agent:event`, `agent:approval`) go out through the bus to the room.
A socket that disconnects does not stop its runs: another window or a reload takes over.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field, StrictBool, StrictInt, StrictStr, ValidationError

from pairpad.ai.agent.models import AgentStart
from pairpad.ai.agent.service import AgentService
from pairpad.audit.scoped import WorkspaceAudit
from pairpad.auth.authorizer import Authorizer, Policy
from pairpad.auth.identity import Identity
from pairpad.errors import PairpadError
from pairpad.events.models import agent_room
from pairpad.realtime.handlers.acks import error_ack, refusal_check, validation_detail
from pairpad.realtime.socketio_adapter import SocketIOAdapter


class _Join(BaseModel):
    run_id: StrictStr
    after_seq: StrictInt = Field(default=0, ge=0)


class _Decide(BaseModel):
    run_id: StrictStr
    call_id: StrictStr
    approve: StrictBool


class _Cancel(BaseModel):
    run_id: StrictStr


def register_agent_handlers(realtime: SocketIOAdapter, agent: AgentService,
                            authorizer: Policy | None = None,
                            audit: WorkspaceAudit | None = None) -> None:
    """`audit` (team mode): an approved command is recorded as agent.command_approved."""
    sio = realtime.sio
    refused = refusal_check(sio, authorizer or Authorizer(), "agent")

    async def start(sid: str, data: Any = None, *_extra: Any) -> dict[str, Any]:
        if (refusal_ack := await refused(sid, "execute")) is not None:
            return refusal_ack
        try:
            request = AgentStart.model_validate(data if isinstance(data, dict) else {})
        except ValidationError as error:
            return error_ack(validation_detail(error, "agent:start request"), 422)

        async def join(run_id: str) -> None:
            await sio.enter_room(sid, agent_room(run_id))

        try:
            run_id = await agent.start_run(request.task, request.mode, request.model, join)
        except PairpadError as error:
            return error_ack(error.detail, error.status_code)
        return {"run_id": run_id}

    async def join(sid: str, data: Any = None, *_extra: Any) -> dict[str, Any]:
        if (refusal_ack := await refused(sid, "read")) is not None:
            return refusal_ack
        try:
            request = _Join.model_validate(data if isinstance(data, dict) else {})
        except ValidationError as error:
            return error_ack(validation_detail(error, "agent:join request"), 422)
        try:
            status = await agent.status(request.run_id)
        except PairpadError as error:
            return error_ack(error.detail, error.status_code)
        await sio.enter_room(sid, agent_room(request.run_id))
        # After joining: what was appended meanwhile comes live (maybe twice; seq dedupes).
        for event in await agent.events(request.run_id, request.after_seq):
            await realtime.send_to(sid, event)
        return {"ok": True, "status": status}

    async def decide(sid: str, data: Any = None, *_extra: Any) -> dict[str, Any]:
        if (refusal_ack := await refused(sid, "execute")) is not None:
            return refusal_ack
        try:
            request = _Decide.model_validate(data if isinstance(data, dict) else {})
        except ValidationError as error:
            return error_ack(validation_detail(error, "agent:decide request"), 422)
        ok = await agent.decide(request.run_id, request.call_id, request.approve)
        if ok and request.approve and audit is not None:
            identity = (await sio.get_session(sid)).get("identity")
            actor = identity.user_id if isinstance(identity, Identity) else "unknown"
            await audit.record(actor, "agent.command_approved", {
                "scope": "run", "run_id": request.run_id, "call_id": request.call_id})
        return {"ok": ok}

    async def cancel(sid: str, data: Any = None, *_extra: Any) -> dict[str, Any]:
        if (refusal_ack := await refused(sid, "execute")) is not None:
            return refusal_ack
        try:
            request = _Cancel.model_validate(data if isinstance(data, dict) else {})
        except ValidationError as error:
            return error_ack(validation_detail(error, "agent:cancel request"), 422)
        return {"ok": agent.cancel(request.run_id)}

    sio.on("agent:start", start)
    sio.on("agent:join", join)
    sio.on("agent:decide", decide)
    sio.on("agent:cancel", cancel)
