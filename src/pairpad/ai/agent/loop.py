"""One agent run: model turn, tool calls (asking where the policy says so), observations,
until the model answers without a tool call or a guard stops it — always with a reason.

Reasons: `completed`, `max_steps`, `max_tokens`, `loop` (the same call `repeat_limit`
times in a row), `cancelled`, `error: …`. Every action and observation goes out through
`emit` (the run's append-only log, then the event bus) before the next one happens.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

import structlog

from pairpad.ai.agent import policy
from pairpad.ai.agent.settings import AgentSettings
from pairpad.ai.agent.tool_specs import tool_specs
from pairpad.ai.agent.tools import Outcome, Prepared, RunContext, ToolBox
from pairpad.ai.providers.base import (
    ChatMessage,
    Provider,
    ProviderError,
    StreamEnd,
    TextDelta,
    ToolCall,
    ToolCallDelta,
    ToolSpec,
    estimate_tokens,
)
from pairpad.ai.providers.metered import model_use
from pairpad.events.models import AgentEvent

log = structlog.get_logger("pairpad.ai.agent")


class Emit(Protocol):
    def __call__(self, type_: str, /, **fields: Any) -> Awaitable[AgentEvent]: ...


# Asks the user about one call; True when approved. Returns False on cancel.
AskUser = Callable[[Prepared], Awaitable[bool]]


@dataclass
class Turn:
    text: str = ""
    calls: list[ToolCall] = field(default_factory=list)
    finish: str = "stop"
    input_tokens: int = 0
    output_tokens: int = 0


@dataclass
class Usage:
    input_tokens: int = 0
    output_tokens: int = 0

    @property
    def total(self) -> int:
        return self.input_tokens + self.output_tokens

    def as_dict(self) -> dict[str, Any]:
        return {"input_tokens": self.input_tokens, "output_tokens": self.output_tokens,
                "estimated": False}


class AgentLoop:
    def __init__(self, *, provider: Provider, model: str, can_call_tools: bool,
                 toolbox: ToolBox, run: RunContext, settings: AgentSettings,
                 system_prompt: str, emit: Emit, ask_user: AskUser,
                 on_step: Callable[[int, Usage], Awaitable[None]] | None = None,
                 label: str | None = None) -> None:
        self.provider = provider
        self.model = model
        self.label = label or model  # `provider:model`, for messages
        self.can_call_tools = can_call_tools
        self.toolbox = toolbox
        self.run = run
        self.settings = settings
        self.system_prompt = system_prompt
        self.emit = emit
        self.ask_user = ask_user
        self.on_step = on_step
        self.usage = Usage()
        self.steps = 0
        self._approved: set[str] = set()  # digests of calls the user approved in this run
        self._recent: list[str] = []  # digests of the latest calls, for the loop guard

    async def go(self) -> str:
        """Runs to the end; returns the reason (never raises for a model's or tool's fault)."""
        messages = [ChatMessage("system", self.system_prompt), ChatMessage("user", self.run.task)]
        if not self.can_call_tools:
            return await self._text_only(messages)
        specs = self._specs()
        while True:
            if self.run.cancel.is_set():
                return "cancelled"
            if self.steps >= self.settings.max_steps:
                return "max_steps"
            if self.usage.total >= self.settings.max_tokens:
                return "max_tokens"
            self.steps += 1
            turn = await self._turn(messages, specs)
            if self.on_step is not None:
                await self.on_step(self.steps, self.usage)
            if turn.text.strip():
                await self.emit("message", text=turn.text)
            if turn.finish == "cancelled" or self.run.cancel.is_set():
                return "cancelled"
            if not turn.calls:
                if turn.finish == "length":
                    return (f"error: the model's answer was cut at {self.settings.reply_tokens} "
                            "tokens (agent.reply_tokens) before it called a tool or finished")
                return "completed"
            messages.append(ChatMessage("assistant", turn.text, tool_calls=tuple(turn.calls)))
            for call in turn.calls:
                stop = await self._call(call, messages)
                if stop is not None:
                    return stop

    async def _text_only(self, messages: list[ChatMessage]) -> str:
        ref = self.label
        await self.emit("error", message=(
            f"The model {ref} cannot call tools (its profile says so), so it can neither read "
            "nor change files here: it answers once in text. Pick a tool-calling model in the "
            "agent's model picker (or ai.roles.chat)."))
        self.steps = 1
        turn = await self._turn(messages, [])
        if turn.text.strip():
            await self.emit("message", text=turn.text)
        if turn.finish == "cancelled":
            return "cancelled"
        return f"error: {ref} cannot call tools; choose a tool-calling model"

    def _specs(self) -> list[ToolSpec]:
        specs = tool_specs(self.toolbox.names(self.run.mode))
        specs += [ToolSpec(name, description, schema) for name, description, schema, _t
                  in self.toolbox.mcp_specs(self.run.mode)]
        return specs

    async def _turn(self, messages: list[ChatMessage], specs: list[ToolSpec]) -> Turn:
        turn = Turn()
        parts: list[str] = []
        pending: dict[int, dict[str, str]] = {}
        end: StreamEnd | None = None
        with model_use("agent"):  # the metrics' kind of this chat request
            events = self.provider.stream_chat(
                messages, model=self.model, max_tokens=self.settings.reply_tokens,
                temperature=self.settings.temperature, tools=specs or None,
                cancel=self.run.cancel)
        async for event in events:
            if isinstance(event, TextDelta):
                parts.append(event.text)
            elif isinstance(event, ToolCallDelta):
                slot = pending.setdefault(event.index, {"id": "", "name": "", "arguments": ""})
                slot["id"] = event.id or slot["id"]
                slot["name"] = event.name or slot["name"]
                slot["arguments"] += event.arguments
            elif isinstance(event, StreamEnd):
                end = event
        turn.text = "".join(parts)
        turn.finish = end.finish_reason if end is not None else "stop"
        for index in sorted(pending):
            slot = pending[index]
            call_id = slot["id"] or f"call_{self.steps}_{index}"
            turn.calls.append(ToolCall(call_id, slot["name"], slot["arguments"]))
        if end is not None and end.usage is not None:
            self.usage.input_tokens += end.usage.input_tokens
            self.usage.output_tokens += end.usage.output_tokens
        else:  # counted by us: the budget must hold even when the server says nothing
            self.usage.input_tokens += sum(estimate_tokens(m.content) for m in messages)
            self.usage.output_tokens += estimate_tokens(turn.text) + sum(
                estimate_tokens(c.arguments) for c in turn.calls)
        return turn

    async def _call(self, call: ToolCall, messages: list[ChatMessage]) -> str | None:
        """One tool call, start to observation; a reason when the run must stop."""
        args, bad_json = _arguments(call.arguments)
        await self.emit("tool_call", call_id=call.id, tool=call.name,
                        args=args if args is not None else {"_raw": call.arguments[:2000]})
        digest = policy.call_digest(call.name, args if args is not None else
                                    {"_raw": call.arguments})
        self._recent.append(digest)
        limit = self.settings.repeat_limit
        if len(self._recent) >= limit and len(set(self._recent[-limit:])) == 1:
            await self._observe(call, messages, Outcome(False, "Stopped: the same call again."))
            return "loop"
        if bad_json is not None:
            await self._observe(call, messages, Outcome(False, bad_json))
            return None
        assert args is not None
        prepared = await self.toolbox.prepare(self.run, call.id, call.name, args)
        if prepared.error is not None:
            await self._observe(call, messages, Outcome(False, prepared.error))
            return None
        if prepared.decision.reason in ("allow-list", "trusted"):  # said, though not asked
            await self.emit("approval_decision", call_id=call.id, approve=True,
                            detail=prepared.decision.reason)
        if prepared.decision.verdict == "ask" and prepared.already is None:
            if digest in self._approved:
                await self.emit("approval_decision", call_id=call.id, approve=True,
                                detail="approved earlier in this run (the same exact call)")
            else:
                approved = await self.ask_user(prepared)
                if self.run.cancel.is_set():
                    await self._observe(call, messages, Outcome(False, "The run was cancelled."))
                    return "cancelled"
                if not approved:
                    await self._observe(call, messages, Outcome(False, (
                        f"The user denied this {call.name} call. Do not repeat it; do "
                        "something else or explain what you need.")))
                    return None
                self._approved.add(digest)
        outcome = await self.toolbox.execute(self.run, prepared)
        if outcome.step is not None:
            diffs = {w.path: w for w in outcome.step.files}
            for path, change in diffs.items():
                await self.emit("file_change", call_id=call.id, path=path, change=change.change,
                                change_set_id=outcome.step.change_set_id,
                                checkpoint_id=outcome.step.checkpoint_id, diff=change.diff)
        await self._observe(call, messages, outcome)
        if self.run.cancel.is_set():
            return "cancelled"
        return None

    async def _observe(self, call: ToolCall, messages: list[ChatMessage],
                       outcome: Outcome) -> None:
        await self.emit("tool_result", call_id=call.id, tool=call.name, ok=outcome.ok,
                        output=outcome.output)
        text = outcome.output if outcome.ok else f"ERROR: {outcome.output}"
        messages.append(ChatMessage("tool", text, tool_call_id=call.id))


def _arguments(raw: str) -> tuple[dict[str, Any] | None, str | None]:
    """The call's arguments as an object, or the message the model gets for bad JSON."""
    try:
        value = json.loads(raw) if raw.strip() else {}
    except json.JSONDecodeError as error:
        return None, (f"The arguments are not valid JSON ({error.msg} at character "
                      f"{error.pos}); send one JSON object.")
    if not isinstance(value, dict):
        return None, "The arguments must be one JSON object, e.g. {\"path\": \"app.py\"}."
    return value, None


async def run_safely(loop: AgentLoop) -> str:
    """The loop's reason; a provider failure or a bug becomes `error: …`, never a hang."""
    try:
        return await loop.go()
    except ProviderError as failure:
        return f"error: {failure.detail}"
    except asyncio.CancelledError:
        raise
    except Exception as failure:
        log.exception("agent run failed", run_id=loop.run.run_id)
        return f"error: the agent failed unexpectedly ({type(failure).__name__}: {failure})"
