"""Conversations over REST (`/api/conversations…`) and the context preview for the inspector.
Streaming itself is Socket.IO (`pairpad.realtime.handlers.chat`)."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Response
from pydantic import BaseModel, Field

from pairpad.ai.chat_models import ChatSendRequest
from pairpad.api.authz import authorized
from pairpad.api.deps import ServicesDep
from pairpad.api.openapi import errors
from pairpad.events.models import Budget, ContextEntry

router = APIRouter(tags=["chat"])
_UNKNOWN = errors({404: "Unknown conversation"})


class ConversationCreate(BaseModel):
    title: str | None = Field(default=None, max_length=200)


class ConversationRename(BaseModel):
    title: str = Field(min_length=1, max_length=200)


class Conversation(BaseModel):
    id: str
    title: str
    created_at: str
    updated_at: str
    message_count: int


class ConversationList(BaseModel):
    conversations: list[Conversation]


class StoredMessage(BaseModel):
    id: str
    conversation_id: str
    role: str
    content: str
    model: str | None
    finish_reason: str | None
    usage: dict[str, Any] | None = Field(
        description="Tokens: input_tokens, output_tokens, estimated (assistant messages)")
    context: list[dict[str, Any]] | None = Field(
        description="What the message was sent with, as the inspector shows it (user messages)")
    created_at: str


class ConversationDetail(Conversation):
    messages: list[StoredMessage]
    streaming: list[str] = Field(description="Ids of the answers streaming now")


class ContextPreview(BaseModel):
    model: str
    context: list[ContextEntry]
    budget: Budget


@router.get("/api/conversations", dependencies=[authorized("read", "chat")])
async def list_conversations(services: ServicesDep) -> ConversationList:
    items = await services.ai.conversations.list_all()
    return ConversationList.model_validate({"conversations": [c.as_dict() for c in items]})


@router.post("/api/conversations", status_code=201, dependencies=[authorized("write", "chat")])
async def create_conversation(body: ConversationCreate, services: ServicesDep) -> Conversation:
    return Conversation.model_validate(
        (await services.ai.conversations.create(body.title)).as_dict())


@router.get(
    "/api/conversations/{conversation_id}", responses=_UNKNOWN,
    dependencies=[authorized("read", "chat")],
)
async def get_conversation(conversation_id: str, services: ServicesDep) -> ConversationDetail:
    store = services.ai.conversations
    conversation = await store.get(conversation_id)
    messages = await store.messages(conversation_id)
    streaming = [g.message_id for g in services.ai.chat.active.values()
                 if g.conversation_id == conversation_id]
    return ConversationDetail.model_validate(
        {**conversation.as_dict(), "messages": [m.as_dict() for m in messages],
         "streaming": streaming})


@router.patch(
    "/api/conversations/{conversation_id}", responses=_UNKNOWN,
    dependencies=[authorized("write", "chat")],
)
async def rename_conversation(
    conversation_id: str, body: ConversationRename, services: ServicesDep
) -> Conversation:
    renamed = await services.ai.conversations.rename(conversation_id, body.title.strip())
    return Conversation.model_validate(renamed.as_dict())


@router.delete(
    "/api/conversations/{conversation_id}", status_code=204, responses=_UNKNOWN,
    dependencies=[authorized("write", "chat")],
)
async def delete_conversation(conversation_id: str, services: ServicesDep) -> Response:
    for generation in list(services.ai.chat.active.values()):
        if generation.conversation_id == conversation_id:
            await services.ai.chat.cancel(generation.message_id)
    await services.ai.chat.wait_for(conversation_id)
    await services.ai.conversations.delete(conversation_id)
    return Response(status_code=204)


@router.get(
    "/api/conversations/{conversation_id}/export",
    response_class=Response,
    responses={**_UNKNOWN, 200: {"description": "The conversation as a Markdown file",
                                 "content": {"text/markdown": {"schema": {"type": "string"}}}}},
    dependencies=[authorized("read", "chat")],
)
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
    }), dependencies=[authorized("read", "chat")]
)
async def preview_context(body: ChatSendRequest, services: ServicesDep) -> ContextPreview:
    """What a `chat:send` with this body would include, without sending or storing anything."""
    store = services.ai.conversations
    history = await store.messages(body.conversation_id) if body.conversation_id else []
    turn = await services.ai.chat.prepare(body, history)
    return ContextPreview.model_validate({"model": str(turn.ref), "context": turn.context_report(),
                                          "budget": turn.budget.as_dict()})
