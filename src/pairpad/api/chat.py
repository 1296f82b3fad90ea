"""Conversations over REST (`/api/conversations…`) and the context preview for the inspector.
Streaming itself is Socket.IO (`pairpad.realtime.handlers.chat`)."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Response
from pydantic import BaseModel, Field

from pairpad.ai.chat_models import ChatSendRequest
from pairpad.api.deps import ServicesDep
from pairpad.api.openapi import errors

router = APIRouter(tags=["chat"])
_UNKNOWN = errors({404: "Unknown conversation"})


class ConversationCreate(BaseModel):
    title: str | None = Field(default=None, max_length=200)


class ConversationRename(BaseModel):
    title: str = Field(min_length=1, max_length=200)


@router.get("/api/conversations")
async def list_conversations(services: ServicesDep) -> dict[str, Any]:
    items = await services.ai.conversations.list_all()
    return {"conversations": [c.as_dict() for c in items]}


@router.post("/api/conversations", status_code=201)
async def create_conversation(body: ConversationCreate, services: ServicesDep) -> dict[str, Any]:
    return (await services.ai.conversations.create(body.title)).as_dict()


@router.get("/api/conversations/{conversation_id}", responses=_UNKNOWN)
async def get_conversation(conversation_id: str, services: ServicesDep) -> dict[str, Any]:
    store = services.ai.conversations
    conversation = await store.get(conversation_id)
    messages = await store.messages(conversation_id)
    streaming = [g.message_id for g in services.ai.chat.active.values()
                 if g.conversation_id == conversation_id]
    return {**conversation.as_dict(), "messages": [m.as_dict() for m in messages],
            "streaming": streaming}


@router.patch("/api/conversations/{conversation_id}", responses=_UNKNOWN)
async def rename_conversation(
    conversation_id: str, body: ConversationRename, services: ServicesDep
) -> dict[str, Any]:
    return (await services.ai.conversations.rename(conversation_id, body.title.strip())).as_dict()


@router.delete("/api/conversations/{conversation_id}", status_code=204, responses=_UNKNOWN)
async def delete_conversation(conversation_id: str, services: ServicesDep) -> Response:
    for generation in list(services.ai.chat.active.values()):
        if generation.conversation_id == conversation_id:
            await services.ai.chat.cancel(generation.message_id)
    await services.ai.chat.wait_for(conversation_id)
    await services.ai.conversations.delete(conversation_id)
    return Response(status_code=204)


@router.get("/api/conversations/{conversation_id}/export", responses=_UNKNOWN)
async def export_conversation(conversation_id: str, services: ServicesDep) -> Response:
    store = services.ai.conversations
    markdown = await store.export_markdown(conversation_id)
    title = (await store.get(conversation_id)).title
    return Response(markdown, media_type="text/markdown; charset=utf-8",
                    headers={"Content-Disposition": content_disposition(title)})


def content_disposition(title: str) -> str:
    """`attachment` with an ASCII `filename` fallback and the real (UTF-8) name in
    `filename*` (RFC 6266 / RFC 5987): HTTP headers are Latin-1, titles are not."""
    stem = re.sub(r"[^\w.-]+", "-", title).strip("-.")[:60] or "conversation"
    ascii_stem = re.sub(r"[^A-Za-z0-9_.-]+", "-", stem).strip("-.") or "conversation"
    return (f'attachment; filename="{ascii_stem}.md"; '
            f"filename*=UTF-8''{quote(stem + '.md', safe='')}")


@router.post(
    "/api/chat/context",
    responses=errors({
        400: "Unknown or malformed model, or a provider setting is wrong",
        404: "Unknown conversation",
        503: "The chat model is unavailable (the embedded model cannot start)",
    }),
)
async def preview_context(body: ChatSendRequest, services: ServicesDep) -> dict[str, Any]:
    """What a `chat:send` with this body would include, without sending or storing anything."""
    store = services.ai.conversations
    history = await store.messages(body.conversation_id) if body.conversation_id else []
    turn = await services.ai.chat.prepare(body, history)
    return {"model": str(turn.ref), "context": turn.context_report(),
            "budget": turn.budget.as_dict()}
