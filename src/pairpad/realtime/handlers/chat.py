"""Socket.IO handlers for chat (DESIGN.md §5); the app registers them beside the routers.

- `chat:join {conversation_id}` / `chat:leave`: follow a conversation's room (any client in it
  sees the same `chat:started`/`chat:delta`/`chat:done`/`chat:error` stream).
- `chat:send ChatSendRequest` -> ack `{conversation_id, message_id, user_message_id, model,
  context, budget}` or `{error, status}`; the sender joins the room first.
- `chat:retry {conversation_id, model?}` -> same ack; `chat:cancel {message_id}` -> `{ok}`.

The stream itself (`chat:started`, …) is published by `ChatService` on the event bus and sent
to the conversation's room by the Socket.IO adapter; these handlers only put sockets in rooms.
"""

from __future__ import annotations

from typing import Any

import socketio
from pydantic import ValidationError

from pairpad.ai.chat import ChatService
from pairpad.ai.chat_models import ChatSendRequest
from pairpad.auth.authorizer import Authorizer, Policy
from pairpad.errors import PairpadError
from pairpad.events.models import conversation_room
from pairpad.realtime.handlers.acks import error_ack, refusal_check, validation_detail


def register_chat_handlers(
    sio: socketio.AsyncServer, chat: ChatService, authorizer: Policy | None = None
) -> None:
    # Every handler takes `data=None, *_extra`: python-socketio passes the emitted arguments
    # as they come, so a client sending none (or several) must still get an error ack, not a
    # TypeError inside the server and a caller waiting forever.

    policy = authorizer or Authorizer()

    refused = refusal_check(sio, policy, "chat")

    async def join(sid: str, data: Any = None, *_extra: Any) -> dict[str, Any]:
        if (refusal_ack := await refused(sid, "read")) is not None:
            return refusal_ack
        conversation_id = data.get("conversation_id") if isinstance(data, dict) else None
        if not isinstance(conversation_id, str):
            return error_ack("chat:join needs {conversation_id}", 400)
        try:
            await chat.store.get(conversation_id)
        except PairpadError as error:
            return error_ack(error.detail, error.status_code)
        await sio.enter_room(sid, conversation_room(conversation_id))
        streaming = [g.message_id for g in chat.active.values()
                     if g.conversation_id == conversation_id]
        return {"ok": True, "streaming": streaming}

    async def leave(sid: str, data: Any = None, *_extra: Any) -> dict[str, Any]:
        conversation_id = data.get("conversation_id") if isinstance(data, dict) else None
        if not isinstance(conversation_id, str):
            return error_ack("chat:leave needs {conversation_id}", 400)
        await sio.leave_room(sid, conversation_room(conversation_id))
        return {"ok": True}

    async def send(sid: str, data: Any = None, *_extra: Any) -> dict[str, Any]:
        if (refusal_ack := await refused(sid, "write")) is not None:
            return refusal_ack
        try:
            request = ChatSendRequest.model_validate(data if isinstance(data, dict) else {})
        except ValidationError as error:
            return error_ack(validation_detail(error, "chat request"), 422)
        if request.conversation_id is not None:
            await sio.enter_room(sid, conversation_room(request.conversation_id))
        try:
            # A new conversation's id is only known inside send(): join before streaming starts.
            ack = await chat.send(request, lambda cid: sio.enter_room(sid, conversation_room(cid)))
        except PairpadError as error:
            return error_ack(error.detail, error.status_code, **error.extra)
        return ack

    async def retry(sid: str, data: Any = None, *_extra: Any) -> dict[str, Any]:
        if (refusal_ack := await refused(sid, "write")) is not None:
            return refusal_ack
        conversation_id = data.get("conversation_id") if isinstance(data, dict) else None
        if not isinstance(conversation_id, str):
            return error_ack("chat:retry needs {conversation_id}", 400)
        model = data.get("model") if isinstance(data.get("model"), str) else None
        await sio.enter_room(sid, conversation_room(conversation_id))
        try:
            return await chat.retry(conversation_id, model)
        except PairpadError as error:
            return error_ack(error.detail, error.status_code, **error.extra)

    async def cancel(sid: str, data: Any = None, *_extra: Any) -> dict[str, Any]:
        if (refusal_ack := await refused(sid, "write")) is not None:
            return refusal_ack
        message_id = data.get("message_id") if isinstance(data, dict) else None
        if not isinstance(message_id, str):
            return error_ack("chat:cancel needs {message_id}", 400)
        return {"ok": await chat.cancel(message_id)}

    sio.on("chat:join", join)
    sio.on("chat:leave", leave)
    sio.on("chat:send", send)
    sio.on("chat:retry", retry)
    sio.on("chat:cancel", cancel)
