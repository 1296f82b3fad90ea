"""Socket.IO handlers for inline completion; the app registers them beside the routers.

- `complete:request {id, ...CompleteRequest}` -> ack `CompleteResponse` or `{error, status}`;
  `id` is the client's name for this request (for `complete:cancel`), not the answer's `id`.
- `complete:cancel {id}` -> `{ok}`: stops that request's generation at the provider (it then
  answers with no items); `ok` is false when it had already answered.
- `complete:warm {...CompleteRequest}` -> ack `CompletionWarm` (`{model, state, latency_ms}`) or
  `{error, status}`: `POST /api/complete/warm` with a body (the file's prompt warmed in the
  model server's cache); an `id` field, if any, is ignored.

A socket that disconnects cancels its requests still running.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import structlog
from pydantic import ValidationError

from pairpad.ai.completion.models import CompleteRequest
from pairpad.ai.completion.service import CompletionService
from pairpad.auth.authorizer import Authorizer, Policy
from pairpad.errors import PairpadError
from pairpad.realtime.handlers.acks import error_ack, refusal_check, validation_detail
from pairpad.realtime.socketio_adapter import SocketIOAdapter

log = structlog.get_logger("pairpad.realtime.complete")
MAX_CLIENT_ID = 200


def register_complete_handlers(
    realtime: SocketIOAdapter, completion: CompletionService, authorizer: Policy | None = None
) -> None:
    # Every handler takes `data=None, *_extra` (see handlers/chat.py): a client sending no
    # argument, or several, still gets an error ack.
    sio = realtime.sio
    policy = authorizer or Authorizer()
    running: dict[tuple[str, str], asyncio.Event] = {}  # (sid, client id) → cancel

    refused = refusal_check(sio, policy, "chat")

    def client_id(data: Any) -> str | None:
        value = data.get("id") if isinstance(data, dict) else None
        return value if isinstance(value, str) and 0 < len(value) <= MAX_CLIENT_ID else None

    async def request(sid: str, data: Any = None, *_extra: Any) -> dict[str, Any]:
        started = time.perf_counter()
        if (refusal_ack := await refused(sid, "write")) is not None:
            return refusal_ack
        request_id = client_id(data)
        if request_id is None:
            return error_ack("complete:request needs {id: string (1-200 characters), ...}", 400)
        fields = {k: v for k, v in data.items() if k != "id"}
        try:
            body = CompleteRequest.model_validate(fields)
        except ValidationError as error:
            return error_ack(validation_detail(error, "completion request"), 422)
        key = (sid, request_id)
        cancel = asyncio.Event()
        if (previous := running.get(key)) is not None:
            previous.set()  # the same id again: the newer one wins
        running[key] = cancel
        try:
            response = await completion.complete(body, cancel, started=started)
        except PairpadError as error:
            return error_ack(error.detail, error.status_code, **error.extra)
        except Exception as error:  # still an ack: the client must not wait forever
            log.exception("completion failed")
            return error_ack(f"Internal error ({type(error).__name__}); see the server log.", 500)
        finally:
            if running.get(key) is cancel:
                del running[key]
        return response.model_dump(mode="json")

    async def warm(sid: str, data: Any = None, *_extra: Any) -> dict[str, Any]:
        if (refusal_ack := await refused(sid, "write")) is not None:
            return refusal_ack
        if not isinstance(data, dict):
            return error_ack("complete:warm needs {path, language, prefix, suffix, cursor, ...}",
                          400)
        try:
            body = CompleteRequest.model_validate({k: v for k, v in data.items() if k != "id"})
        except ValidationError as error:
            return error_ack(validation_detail(error, "completion request"), 422)
        try:
            answer = await completion.warm(body)
        except PairpadError as error:
            return error_ack(error.detail, error.status_code, **error.extra)
        except Exception as error:  # still an ack: the client must not wait forever
            log.exception("completion warm-up failed")
            return error_ack(f"Internal error ({type(error).__name__}); see the server log.", 500)
        return answer.model_dump(mode="json")

    async def cancel(sid: str, data: Any = None, *_extra: Any) -> dict[str, Any]:
        if (refusal_ack := await refused(sid, "write")) is not None:
            return refusal_ack
        request_id = client_id(data)
        if request_id is None:
            return error_ack("complete:cancel needs {id}", 400)
        event = running.get((sid, request_id))
        if event is None:
            return {"ok": False}
        event.set()
        return {"ok": True}

    async def disconnect(sid: str) -> None:
        for key in [key for key in running if key[0] == sid]:
            running[key].set()

    sio.on("complete:request", request)
    sio.on("complete:cancel", cancel)
    sio.on("complete:warm", warm)
    realtime.on_disconnect(disconnect)

