"""Inline edit (Ctrl/Cmd+K): the `edit` role rewrites a selection; the replacement streams to the
editor as `inline_edit:delta` events, then one `inline_edit:done` (or `inline_edit:error`).

A run always ends with done or error: a provider failure, an unexpected error, a cancel
(done with finish_reason "cancelled") and server shutdown each publish their end. Nothing is
stored. The prompt (`inline_edit_text`) carries the file's path and language, the code around
the selection fitted to the model's context window, the selection and the instruction. A
secret file (the workspace's visibility policy) is refused before anything reaches a model.
"""

from __future__ import annotations

import asyncio
import contextlib
import posixpath
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import structlog

from pairpad.ai.budget import TEMPLATE_OVERHEAD
from pairpad.ai.inline_edit_text import (
    InlineEditRequest,
    Placement,
    build_messages,
    clean_stream,
    finish,
    split_budget,
)
from pairpad.ai.providers.base import (
    ChatMessage,
    Provider,
    ProviderError,
    StreamEnd,
    TextDelta,
    estimate_tokens,
)
from pairpad.ai.providers.metered import model_use
from pairpad.ai.providers.registry import ProviderRegistry
from pairpad.ai.roles import ModelRef
from pairpad.ai.sources.gate import CREDENTIALS_REFUSAL, SecretCheck
from pairpad.errors import BadRequest, Forbidden, TooLarge
from pairpad.events.bus import Publish
from pairpad.events.models import InlineEditDelta, InlineEditDone, InlineEditError

log = structlog.get_logger("pairpad.ai.inline_edit")
Hook = Callable[[str], Awaitable[None]]

MIN_OUTPUT_TOKENS = 256  # room for the replacement: at least this ...
OUTPUT_FACTOR = 2  # ... or twice the selection (an edit may grow it), at most half the window
CONTEXT_CHARS_PER_TOKEN = 3  # a cautious first cut of the surrounding code (code: ~3-4)
MAX_CONTEXT_CHARS = 24_000  # the code around the selection, at most (even with a large window)
TEMPERATURE = 0.1


@dataclass
class InlineEdit:
    edit_id: str
    owner: str  # who may cancel it: the socket that started it
    cancel: asyncio.Event = field(default_factory=asyncio.Event)
    task: asyncio.Task[None] | None = None


@dataclass
class PreparedEdit:
    provider: Provider
    ref: ModelRef
    messages: list[ChatMessage]
    placement: Placement
    max_tokens: int


class InlineEditService:
    def __init__(self, registry: ProviderRegistry, secrets: SecretCheck, events: Publish) -> None:
        self.registry = registry
        self.secrets = secrets
        self.events = events
        self.active: dict[str, InlineEdit] = {}

    async def prepare(self, request: InlineEditRequest) -> PreparedEdit:
        """Refuse what may not or cannot be sent; fit the surrounding code into the window."""
        if not request.instruction.strip():
            raise BadRequest("Type an instruction first (what should the code become?)")
        if self.secrets.is_secret_target(posixpath.normpath(request.path.strip().strip("/"))):
            raise Forbidden(f"{request.path}: {CREDENTIALS_REFUSAL.split('.')[0]}.")
        try:
            provider, ref = self.registry.resolve("edit")
        except ProviderError as error:
            raise BadRequest(error.detail, setting=error.setting) from error
        window = await self.registry.context_window(ref)

        async def count(text: str) -> int:
            try:
                return await provider.count_tokens(ref.model, text)
            except ProviderError:  # the tokenizer is unreachable: the stream will say why
                return estimate_tokens(text)

        selection_tokens = await count(request.text)
        max_tokens = min(max(MIN_OUTPUT_TOKENS, OUTPUT_FACTOR * selection_tokens), window // 2)
        bare = build_messages(request, "", "")
        fixed = sum([await count(m.content) + TEMPLATE_OVERHEAD for m in bare])
        room = window - max_tokens - fixed
        if room < 0:
            raise TooLarge(
                f"The selection and instruction are too long for {ref}: they need {fixed} "
                f"tokens plus {max_tokens} for the answer, and the context window is {window}. "
                "Select less, or set a model with a larger window (ai.roles.edit).",
                tokens=fixed, window=window)
        chars = min(room * CONTEXT_CHARS_PER_TOKEN, MAX_CONTEXT_CHARS)
        messages = bare
        for _ in range(4):  # cut, count, and cut again where the tokenizer disagrees
            before, after = split_budget(chars, request.prefix, request.suffix)
            messages = build_messages(request, before, after)
            used = sum([await count(m.content) + TEMPLATE_OVERHEAD for m in messages])
            if used + max_tokens <= window or chars == 0:
                break
            chars = int(chars * (window - max_tokens - fixed) / max(used - fixed, 1) * 0.9)
        placement = Placement.of(request.prefix, request.text, request.suffix)
        return PreparedEdit(provider, ref, messages, placement, max_tokens)

    async def start(self, request: InlineEditRequest, owner: str,
                    before_start: Hook | None = None) -> dict[str, Any]:
        """Validate and start streaming; `before_start(edit_id)` runs first (joining the
        room). The ack: `{edit_id, model}`; domain errors raise (the handler acks them)."""
        prepared = await self.prepare(request)
        edit = InlineEdit(uuid.uuid4().hex, owner)
        self.registry.acquire(prepared.provider)  # a provider edit must not close it under us
        try:
            if before_start is not None:
                await before_start(edit.edit_id)
        except BaseException:
            self.registry.release(prepared.provider)
            raise
        self.active[edit.edit_id] = edit
        # Runs from the handler's next await on, so the ack goes out before the first delta.
        edit.task = asyncio.create_task(self._generate(edit, prepared))
        return {"edit_id": edit.edit_id, "model": str(prepared.ref)}

    def cancel(self, edit_id: str, owner: str) -> bool:
        """Stop one of `owner`'s edits (it ends with done, finish_reason "cancelled")."""
        edit = self.active.get(edit_id)
        if edit is None or edit.owner != owner:
            return False
        edit.cancel.set()
        return True

    def cancel_owned_by(self, owner: str) -> int:
        """Its socket went away: stop every edit it started."""
        edits = [e for e in self.active.values() if e.owner == owner]
        for edit in edits:
            edit.cancel.set()
        return len(edits)

    async def _generate(self, edit: InlineEdit, prepared: PreparedEdit) -> None:
        edit_id = edit.edit_id
        raw: list[str] = []
        shown = ""
        end: StreamEnd | None = None
        try:
            with model_use("edit"):  # the metrics' kind of this chat request
                events = prepared.provider.stream_chat(
                    prepared.messages, model=prepared.ref.model,
                    max_tokens=prepared.max_tokens, temperature=TEMPERATURE, cancel=edit.cancel)
            async for event in events:
                if isinstance(event, TextDelta):
                    raw.append(event.text)
                    cleaned = clean_stream("".join(raw), prepared.placement)
                    if len(cleaned) > len(shown) and cleaned.startswith(shown):
                        await self.events.publish(
                            InlineEditDelta(edit_id=edit_id, text=cleaned[len(shown):]))
                        shown = cleaned
                elif isinstance(event, StreamEnd):
                    end = event
        except ProviderError as error:
            log.info("inline edit provider error", provider=prepared.ref.provider,
                     kind=error.kind)
            await self.events.publish(InlineEditError(edit_id=edit_id, detail=error.detail))
            return
        except asyncio.CancelledError:  # server shutting down: the editor still hears the end
            with contextlib.suppress(Exception):
                await asyncio.shield(self.events.publish(InlineEditError(
                    edit_id=edit_id, detail="The server is shutting down; the edit stopped.")))
            raise
        except Exception as error:
            log.exception("inline edit failed")
            await self.events.publish(InlineEditError(
                edit_id=edit_id, detail=f"Inline edit failed unexpectedly: {error}"))
            return
        finally:
            self.active.pop(edit_id, None)
            self.registry.release(prepared.provider)
        reason = "cancelled" if edit.cancel.is_set() else (end.finish_reason if end else "stop")
        await self.events.publish(InlineEditDone(
            edit_id=edit_id, text=finish("".join(raw), prepared.placement),
            finish_reason=reason))

    async def stop(self) -> None:
        """App shutdown: cancel running edits (each publishes its error end)."""
        tasks = [e.task for e in self.active.values() if e.task is not None]
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
