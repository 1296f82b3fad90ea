"""Chat turns: validate, assemble context, store the user message, stream the answer.

Storage rule (nothing half-stored): the user message is written (with its conversation, in one
transaction) only after the request is validated and the context fits; the assistant message is
written once, when the stream ends — whole on success, with the partial text and finish_reason
"cancelled" on cancel, and not at all on a provider error (the client shows `chat:error` and
can retry, which regenerates the answer to the stored user message).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import structlog

from pairpad.ai.budget import SYSTEM_PROMPT, BudgetReport, build_messages, fit_items
from pairpad.ai.chat_models import ChatSendRequest
from pairpad.ai.conversations import ConversationStore, Message, new_id, title_from
from pairpad.ai.provider_config import AISettings
from pairpad.ai.providers.base import ChatMessage, Provider, ProviderError, StreamEnd, TextDelta
from pairpad.ai.providers.registry import ProviderRegistry
from pairpad.ai.roles import ModelRef
from pairpad.ai.sources.base import ContextItem, ContextSource, gather_all
from pairpad.errors import BadRequest, Unavailable
from pairpad.events.bus import Publish
from pairpad.events.models import ChatDelta, ChatDone, ChatError, ChatStarted

log = structlog.get_logger("pairpad.ai.chat")
Hook = Callable[[str], Awaitable[None]]
HISTORY_LIMIT = 20


@dataclass
class PreparedTurn:
    provider: Provider
    ref: ModelRef
    messages: list[ChatMessage]
    items: list[ContextItem]
    budget: BudgetReport
    max_tokens: int
    temperature: float

    def context_report(self) -> list[dict[str, Any]]:
        return [item.report() for item in self.items]


@dataclass
class Generation:
    message_id: str
    conversation_id: str
    cancel: asyncio.Event = field(default_factory=asyncio.Event)
    task: asyncio.Task[None] | None = None


class ChatService:
    def __init__(self, store: ConversationStore, registry: ProviderRegistry, settings: AISettings,
                 sources: list[ContextSource], events: Publish) -> None:
        self.store = store
        self.registry = registry
        self.settings = settings
        self.sources = sources  # the context-source extension point (see chat_context.py)
        self.events = events  # the stream goes out as typed events (realtime.events)
        self.active: dict[str, Generation] = {}

    async def prepare(self, request: ChatSendRequest, history: list[Message]) -> PreparedTurn:
        """Resolve the model and fit the context; raises before anything is stored."""
        try:
            provider, ref = self.registry.resolve("chat", request.model)
        except ValueError as error:
            raise BadRequest(str(error)) from error
        except ProviderError as error:
            raise BadRequest(error.detail, setting=error.setting) from error
        max_tokens = request.max_tokens or self.settings.chat_max_tokens
        items = await gather_all(self.sources, request.text, request)
        items += _history_items(history)
        window = await self.registry.context_window(ref)

        async def count(text: str) -> int:
            return await provider.count_tokens(ref.model, text)

        try:
            budget = await fit_items(items, window=window, max_output=min(max_tokens, window // 2),
                                     system=SYSTEM_PROMPT, text=request.text, count=count,
                                     model=str(ref))
        except ProviderError as error:  # the tokenizer needs the local server
            raise Unavailable(error.detail, setting=error.setting) from error
        temperature = (request.temperature if request.temperature is not None
                       else self.settings.chat_temperature)
        return PreparedTurn(provider, ref, build_messages(SYSTEM_PROMPT, items, request.text),
                            items, budget, min(max_tokens, window // 2), temperature)

    async def send(self, request: ChatSendRequest, before_start: Hook | None = None
                   ) -> dict[str, Any]:
        """`before_start(conversation_id)` runs before streaming begins (joining its room)."""
        if not request.text.strip():
            raise BadRequest("The message is empty: type a question first")
        history: list[Message] = []
        if request.conversation_id is not None:
            history = await self.store.messages(request.conversation_id)  # NotFound if unknown
        turn = await self.prepare(request, history)
        report = turn.context_report()
        # In use from here: a provider edit meanwhile must not close it under the stream.
        self.registry.acquire(turn.provider)
        try:
            user = await self.store.add_message(
                request.conversation_id, "user", request.text, context=report,
                request=context_spec(request), new_title=title_from(request.text),
            )
            if before_start is not None:
                await before_start(user.conversation_id)
        except BaseException:
            self.registry.release(turn.provider)
            raise
        return self._start(user.conversation_id, user.id, request.text, turn)

    async def retry(self, conversation_id: str, model: str | None = None) -> dict[str, Any]:
        """Regenerate the answer to the last user message (dropping the old answer, if any)."""
        messages = await self.store.messages(conversation_id)
        if any(g.conversation_id == conversation_id for g in self.active.values()):
            raise BadRequest("An answer is still streaming in this conversation; stop it first")
        last_user = next((m for m in reversed(messages) if m.role == "user"), None)
        if last_user is None:
            raise BadRequest("Nothing to retry: the conversation has no message")
        history = messages[: messages.index(last_user)]
        # The same context as the first time: active file, selection, mentions, errors.
        spec = dict(last_user.request or {})
        if model is not None:
            spec["model"] = model
        request = ChatSendRequest.model_validate(
            {**spec, "conversation_id": conversation_id, "text": last_user.content})
        turn = await self.prepare(request, history)
        self.registry.acquire(turn.provider)
        try:
            for stale in messages[messages.index(last_user) + 1:]:
                await self.store.delete_message(stale.id)
        except BaseException:
            self.registry.release(turn.provider)
            raise
        return self._start(conversation_id, last_user.id, last_user.content, turn)

    def _start(
        self, conversation_id: str, user_id: str, text: str, turn: PreparedTurn
    ) -> dict[str, Any]:
        """Starts streaming; takes over the caller's `registry.acquire(turn.provider)`."""
        generation = Generation(new_id(), conversation_id)
        self.active[generation.message_id] = generation
        ack = {"conversation_id": conversation_id, "message_id": generation.message_id,
               "user_message_id": user_id, "text": text, "model": str(turn.ref),
               "context": turn.context_report(), "budget": turn.budget.as_dict()}
        # Created now, first runs after this handler returns, i.e. after the ack is queued.
        generation.task = asyncio.create_task(self._generate(generation, turn, ack))
        return ack

    async def cancel(self, message_id: str) -> bool:
        generation = self.active.get(message_id)
        if generation is None:
            return False
        generation.cancel.set()
        return True

    async def _generate(self, gen: Generation, turn: PreparedTurn, ack: dict[str, Any]) -> None:
        ids = {"conversation_id": gen.conversation_id, "message_id": gen.message_id}
        parts: list[str] = []
        end: StreamEnd | None = None
        try:
            await self.events.publish(ChatStarted.model_validate(ack))
            async for event in turn.provider.stream_chat(
                turn.messages, model=turn.ref.model, max_tokens=turn.max_tokens,
                temperature=turn.temperature, cancel=gen.cancel,
            ):
                if isinstance(event, TextDelta):
                    parts.append(event.text)
                    await self.events.publish(ChatDelta(**ids, text=event.text))
                elif isinstance(event, StreamEnd):
                    end = event
        except ProviderError as error:
            log.info("chat provider error", provider=turn.ref.provider, kind=error.kind)
            await self._finish_error(gen, error.detail, error.setting)
            return
        except asyncio.CancelledError:  # server shutting down: keep what was said
            end = StreamEnd("cancelled", None)
            await asyncio.shield(self._store_answer(gen, turn, "".join(parts), end))
            raise
        except Exception as error:
            log.exception("chat failed")
            await self._finish_error(gen, f"Chat failed unexpectedly: {error}", None)
            return
        finally:
            self.active.pop(gen.message_id, None)
            self.registry.release(turn.provider)
        end = end or StreamEnd("stop", None)
        if gen.cancel.is_set():
            end = StreamEnd("cancelled", end.usage)
        await self._store_answer(gen, turn, "".join(parts), end)
        usage = end.usage.as_dict() if end.usage else None
        await self.events.publish(ChatDone.model_validate(
            {**ids, "usage": usage, "finish_reason": end.finish_reason, "model": str(turn.ref)}))

    async def _store_answer(self, gen: Generation, turn: PreparedTurn, text: str,
                            end: StreamEnd) -> None:
        await self.store.add_message(
            gen.conversation_id, "assistant", text, message_id=gen.message_id,
            model=str(turn.ref), finish_reason=end.finish_reason,
            usage=end.usage.as_dict() if end.usage else None,
        )

    async def _finish_error(self, gen: Generation, detail: str, setting: str | None) -> None:
        await self.events.publish(ChatError(conversation_id=gen.conversation_id,
                                            message_id=gen.message_id, detail=detail,
                                            setting=setting))

    async def stop(self) -> None:
        """App shutdown: cancel running generations (their partial answers are stored)."""
        tasks = [g.task for g in self.active.values() if g.task is not None]
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task

    async def wait_for(self, conversation_id: str) -> None:
        """Until no answer streams in this conversation (after cancelling, before deleting)."""
        for gen in list(self.active.values()):
            if gen.conversation_id == conversation_id and gen.task is not None:
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await gen.task


def context_spec(request: ChatSendRequest) -> dict[str, Any]:
    """What a retry needs to rebuild this request's context (everything but the text)."""
    return request.model_dump(mode="json", exclude={"conversation_id", "text"},
                              exclude_defaults=True)


def _history_items(history: list[Message]) -> list[ContextItem]:
    """Earlier turns as droppable context: the most recent ones are the most relevant."""
    recent = [m for m in history if m.role in ("user", "assistant") and m.content][-HISTORY_LIMIT:]
    items = []
    for age, message in enumerate(reversed(recent)):
        items.append(ContextItem(f"history:{message.id}", "history", message.content,
                                 priority=30 - age, truncatable=False, title=message.role,
                                 meta={"role": message.role, "seq": len(recent) - age}))
    return items

