"""Agent runs: start, approvals, cancel, replay, history, and what a restart leaves.

A run is a task in the background (loop.py). Everything it does is appended to its log in
the database (store.RunLog) and published on the bus, to the run's room; `events()` replays
the log for a reload, a second window or after a restart. A run that a restart cut off is
marked `interrupted` with a last `finished` event saying so. Approvals wait on a future per
call; only `decide()` (the user's socket) resolves them.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import structlog

from pairpad.ai.agent import policy
from pairpad.ai.agent.allow_list import AllowList
from pairpad.ai.agent.loop import AgentLoop, Usage, run_safely
from pairpad.ai.agent.models import (
    McpStatusOut,
    PendingApproval,
    RuleOut,
    RulesOut,
    RunOut,
    RunSummary,
)
from pairpad.ai.agent.prompt import system_prompt
from pairpad.ai.agent.rules import Rule, load_rules, rules_prompt
from pairpad.ai.agent.settings import AgentSettings
from pairpad.ai.agent.store import RunLog, RunRecord, RunStore
from pairpad.ai.agent.tools import Prepared, RunContext, ToolBox
from pairpad.ai.providers.base import ProviderError, estimate_tokens
from pairpad.ai.providers.registry import ProviderRegistry
from pairpad.errors import BadRequest, Conflict, NotFound, Unprocessable
from pairpad.events.bus import Publish
from pairpad.events.log import SequencedStream
from pairpad.events.models import AgentApproval, AgentEvent
from pairpad.workspace.visibility import VisibilityPolicy

log = structlog.get_logger("pairpad.ai.agent")

MAX_TASK_CHARS = 100_000
MAX_ACTIVE_RUNS = 8  # each holds a model stream and maybe a sandboxed command
STOP_WAIT_S = 10.0

Hook = Callable[[str], Awaitable[None]]


@dataclass
class _Active:
    record: RunRecord
    context: RunContext
    task: asyncio.Task[None] | None = None
    pending: dict[str, tuple[asyncio.Future[bool], AgentApproval]] = field(default_factory=dict)


class AgentService:
    def __init__(self, *, root: Path, store: RunStore, log: RunLog, bus: Publish,
                 registry: ProviderRegistry, toolbox: ToolBox, settings: AgentSettings,
                 allow_list: AllowList, visibility: VisibilityPolicy | None,
                 mcp_status: Callable[[], McpStatusOut] | None = None) -> None:
        self.root = root
        self.store = store
        self.stream = SequencedStream(log, bus)
        self.log = log
        self.bus = bus
        self.registry = registry
        self.toolbox = toolbox
        self.settings = settings
        self.allow_list = allow_list
        self.visibility = visibility
        self._mcp_status = mcp_status
        self.active: dict[str, _Active] = {}

    # ---- starting a run -----------------------------------------------------------------

    async def start_run(self, task: str, mode: str, model: str | None,
                        before_start: Hook | None = None) -> str:
        if not task.strip():
            raise BadRequest("The task is empty: say what the agent should do")
        if len(task) > MAX_TASK_CHARS:
            raise Unprocessable(f"The task is longer than {MAX_TASK_CHARS} characters")
        if mode not in policy.MODES:
            raise Unprocessable(f"mode must be one of {', '.join(policy.MODES)}; got {mode!r}")
        checked: policy.Mode = mode
        if len(self.active) >= MAX_ACTIVE_RUNS:
            raise Conflict(f"{MAX_ACTIVE_RUNS} agent runs are going already; wait for one to "
                           "finish or cancel one")
        try:
            provider, ref = self.registry.resolve("chat", model)
        except ProviderError as error:
            raise Unprocessable(error.detail) from None
        profile = self.registry.profile_for(ref)
        rules = await self.rules()
        run_id = uuid.uuid4().hex[:16]
        record = RunRecord(run_id, task, checked, str(ref), "running", None, datetime.now(UTC),
                           None, None, 0, 0, 0)
        await self.store.add(record)
        context = RunContext(run_id, checked, task, self.settings.output_chars,
                             self.settings.command_timeout_s, self.allow_list.effective)
        active = _Active(record, context)
        self.active[run_id] = active
        self.registry.acquire(provider)
        try:
            if before_start is not None:
                await before_start(run_id)
            await self._emit(run_id, "start", text=task, detail=checked, message=str(ref))
        except BaseException:
            self.registry.release(provider)
            self.active.pop(run_id, None)
            raise
        loop = AgentLoop(
            provider=provider, model=ref.model, can_call_tools=profile.tools != "none",
            toolbox=self.toolbox, run=context, settings=self.settings,
            system_prompt=system_prompt(checked, rules_prompt(rules)),
            emit=functools.partial(self._emit, run_id),
            ask_user=lambda prepared: self._ask(active, prepared),
            on_step=lambda steps, usage: self._progress(active, steps, usage), label=str(ref))
        loop_ref = str(ref)

        async def go() -> None:
            try:
                reason = await run_safely(loop)
            except asyncio.CancelledError:
                reason = "interrupted"
            finally:
                self.registry.release(provider)
            await asyncio.shield(self._finish(active, loop, reason))
            log.info("agent run finished", run_id=run_id, reason=reason, model=loop_ref,
                     steps=loop.steps)

        active.task = asyncio.create_task(go())
        return run_id

    async def _progress(self, active: _Active, steps: int, usage: Usage) -> None:
        active.record.steps = steps
        active.record.input_tokens = usage.input_tokens
        active.record.output_tokens = usage.output_tokens
        active.record.change_set_id = active.context.change_set_id
        await self.store.save(active.record)

    async def _finish(self, active: _Active, loop: AgentLoop, reason: str) -> None:
        record = active.record
        try:
            await self._emit(record.id, "finished", reason=reason,
                             usage=loop.usage.as_dict())
        finally:
            record.status = "interrupted" if reason == "interrupted" else "finished"
            record.reason = reason
            record.finished_at = datetime.now(UTC)
            record.steps = loop.steps
            record.input_tokens = loop.usage.input_tokens
            record.output_tokens = loop.usage.output_tokens
            record.change_set_id = active.context.change_set_id
            await self.store.save(record)
            self.active.pop(record.id, None)

    async def _emit(self, run_id: str, type_: str, **fields: Any) -> AgentEvent:
        return await self.stream.append(AgentEvent, run_id, type=type_,
                                        at=datetime.now(UTC).isoformat(), **fields)

    # ---- approvals ----------------------------------------------------------------------

    async def _ask(self, active: _Active, prepared: Prepared) -> bool:
        run_id = active.record.id
        request = AgentApproval(run_id=run_id, call_id=prepared.call_id, tool=prepared.tool,
                                args=prepared.args, risk=prepared.decision.risk,
                                detail=prepared.detail)
        future: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        active.pending[prepared.call_id] = (future, request)
        active.record.status = "waiting"
        await self.store.save(active.record)
        await self._emit(run_id, "approval_request", call_id=prepared.call_id,
                         tool=prepared.tool, args=prepared.args, risk=prepared.decision.risk,
                         detail=prepared.detail)
        await self.bus.publish(request)
        cancelled: asyncio.Future[Any] = asyncio.ensure_future(active.context.cancel.wait())
        waited: set[asyncio.Future[Any]] = {future, cancelled}
        try:
            done, _ = await asyncio.wait(waited,
                                         timeout=self.settings.approval_timeout_s,
                                         return_when=asyncio.FIRST_COMPLETED)
        finally:
            cancelled.cancel()
            active.pending.pop(prepared.call_id, None)
        active.record.status = "running"
        await self.store.save(active.record)
        if future in done:
            approved = future.result()
            await self._emit(run_id, "approval_decision", call_id=prepared.call_id,
                             approve=approved, detail="user")
            return approved
        if not active.context.cancel.is_set():
            await self._emit(run_id, "approval_decision", call_id=prepared.call_id,
                             approve=False, detail="no decision in time "
                             f"(agent.approval_timeout_s = {self.settings.approval_timeout_s:g})")
        return False

    async def decide(self, run_id: str, call_id: str, approve: bool) -> bool:
        active = self.active.get(run_id)
        entry = active.pending.get(call_id) if active is not None else None
        if entry is None or entry[0].done():
            return False
        entry[0].set_result(approve)
        return True

    def cancel(self, run_id: str) -> bool:
        active = self.active.get(run_id)
        if active is None:
            return False
        active.context.cancel.set()
        return True

    # ---- history ------------------------------------------------------------------------

    async def events(self, run_id: str, after_seq: int = 0) -> list[AgentEvent]:
        await self._record(run_id)
        return [e for e in await self.log.since(run_id, after_seq) if isinstance(e, AgentEvent)]

    async def runs(self) -> list[RunSummary]:
        return [self._summary(r) for r in await self.store.listed()]

    async def run(self, run_id: str, after_seq: int = 0) -> RunOut:
        record = await self._record(run_id)
        return RunOut(run=self._summary(record), events=[
            e.payload() for e in await self.events(run_id, after_seq)])

    async def status(self, run_id: str) -> str:
        return (await self._record(run_id)).status

    async def _record(self, run_id: str) -> RunRecord:
        active = self.active.get(run_id)
        if active is not None:
            return active.record
        record = await self.store.get(run_id)
        if record is None:
            raise NotFound(f"No agent run {run_id}")
        return record

    def _summary(self, record: RunRecord) -> RunSummary:
        active = self.active.get(record.id)
        current = active.record if active is not None else record
        pending = None
        if active is not None and active.pending:
            request = next(iter(active.pending.values()))[1]
            pending = PendingApproval(call_id=request.call_id, tool=request.tool,
                                      args=request.args, risk=request.risk,
                                      detail=request.detail)
        return RunSummary(
            id=current.id, task=current.task, mode=current.mode, model=current.model,
            status=current.status, reason=current.reason,
            created_at=current.created_at.isoformat(),
            finished_at=current.finished_at.isoformat() if current.finished_at else None,
            change_set_id=(active.context.change_set_id if active is not None
                           else current.change_set_id),
            steps=current.steps,
            usage={"input_tokens": current.input_tokens, "output_tokens": current.output_tokens},
            pending_approval=pending)

    async def rules(self) -> list[Rule]:
        return await asyncio.to_thread(load_rules, self.root, self.visibility, estimate_tokens)

    async def rules_out(self) -> RulesOut:
        rules = await self.rules()
        return RulesOut(rules=[RuleOut(path=r.path, tokens=r.tokens, globs=r.globs)
                               for r in rules], total_tokens=sum(r.tokens for r in rules))

    def mcp_status(self) -> McpStatusOut:
        return self._mcp_status() if self._mcp_status is not None else McpStatusOut(servers=[])

    # ---- component ----------------------------------------------------------------------

    async def start(self) -> None:
        """Runs a previous server left going are history now: marked interrupted."""
        for run_id in await self.store.mark_interrupted():
            await self._emit(run_id, "finished", reason="interrupted",
                             message="The server stopped while this run was going.")

    async def stop(self) -> None:
        tasks = [a.task for a in self.active.values() if a.task is not None]
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(Exception, asyncio.CancelledError):
                await asyncio.wait_for(task, STOP_WAIT_S)
