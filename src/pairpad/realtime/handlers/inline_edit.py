"""Socket.IO handlers for inline edit (Ctrl/Cmd+K); the app registers them beside the routers.

- `inline_edit:start InlineEditRequest` -> ack `{edit_id, model}` or `{error, status}`; the
  socket joins the edit's room (`inline_edit:{edit_id}`) before it streams, and receives
  `inline_edit:delta {edit_id, text}`, then `inline_edit:done {edit_id, text, finish_reason}`
  or `inline_edit:error {edit_id, detail}` (published by `InlineEditService` on the bus).
- `inline_edit:cancel {edit_id}` -> `{ok}`: only the socket that started an edit stops it;
  a socket that disconnects stops its edits.
"""

from __future__ import annotations

from typing import Any

import socketio
from pydantic import ValidationError

from pairpad.ai.inline_edit import InlineEditService
from pairpad.ai.inline_edit_text import InlineEditRequest
from pairpad.auth.authorizer import Authorizer, Policy, Resource
from pairpad.errors import PairpadError
from pairpad.events.models import inline_edit_room
from pairpad.realtime.handlers.acks import error_ack, refusal_check, validation_detail
from pairpad.realtime.socketio_adapter import SocketIOAdapter

# Asking a model about a file's code is a chat-like use of it: the `chat` resource's `write`.
RESOURCE: Resource = "chat"


def register_inline_edit_handlers(
    realtime: SocketIOAdapter, edits: InlineEditService, authorizer: Policy | None = None
) -> None:
    sio: socketio.AsyncServer = realtime.sio
    policy = authorizer or Authorizer()

    refused = refusal_check(sio, policy, RESOURCE)

    async def start(sid: str, data: Any = None, *_extra: Any) -> dict[str, Any]:
        if (refusal_ack := await refused(sid, "write")) is not None:
            return refusal_ack
        try:
            request = InlineEditRequest.model_validate(data if isinstance(data, dict) else {})
        except ValidationError as error:
            return error_ack(validation_detail(error, "inline edit request"), 422)
        try:
            return await edits.start(
                request, sid, lambda edit_id: sio.enter_room(sid, inline_edit_room(edit_id)))
        except PairpadError as error:
            return error_ack(error.detail, error.status_code, **error.extra)

    async def cancel(sid: str, data: Any = None, *_extra: Any) -> dict[str, Any]:
        if (refusal_ack := await refused(sid, "write")) is not None:
            return refusal_ack
        edit_id = data.get("edit_id") if isinstance(data, dict) else None
        if not isinstance(edit_id, str):
            return error_ack("inline_edit:cancel needs {edit_id}", 400)
        return {"ok": edits.cancel(edit_id, sid)}

    async def disconnected(sid: str) -> None:
        edits.cancel_owned_by(sid)

    sio.on("inline_edit:start", start)
    sio.on("inline_edit:cancel", cancel)
    realtime.on_disconnect(disconnected)
