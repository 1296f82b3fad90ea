"""Streamed sandboxed runs: ids, batched output on the bus, cancel, owners.

`start_run()` checks the request (argv, limits, network, a sandbox) before it answers, so a
refusal is the caller's error, not an event; then the run goes on in a task that publishes
`RunOutput` batches (at most one per `FLUSH_S` or `BATCH_BYTES` per stream) and one
`RunExit`. The socket that started a run joins its room first (`join`), so the events reach
it and no one else. Tasks and the agent's `run_command` will use the same service.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import structlog

from pairpad.errors import Conflict, PairpadError
from pairpad.events.bus import Publish
from pairpad.events.models import RunExit, RunOutput
from pairpad.runtime.sandbox import RunResult, Sandbox, validate_argv

log = structlog.get_logger("pairpad.runtime.runs")

FLUSH_S = 0.05
BATCH_CHARS = 64 * 1024
MAX_RUNS_PER_OWNER = 16

# Told how a run ended after its `run:exit` went out: its result, or None when it could not
# run (tasks parse the output into problems).
OnEnd = Callable[[RunResult | None], Awaitable[None]]


@dataclass
class _Batcher:
    """Collects output per stream; flushes on size at once, else at most every FLUSH_S."""

    run_id: str
    events: Publish
    pending: dict[str, list[str]] = field(default_factory=dict)
    sizes: dict[str, int] = field(default_factory=dict)
    timer: asyncio.Task[None] | None = None

    async def add(self, stream: str, text: str) -> None:
        self.pending.setdefault(stream, []).append(text)
        self.sizes[stream] = self.sizes.get(stream, 0) + len(text)
        if self.sizes[stream] >= BATCH_CHARS:
            await self.flush(stream)
        elif self.timer is None:
            self.timer = asyncio.create_task(self._later())

    async def _later(self) -> None:
        await asyncio.sleep(FLUSH_S)
        self.timer = None
        await self.flush()

    async def flush(self, only: str | None = None) -> None:
        for stream in [only] if only else list(self.pending):
            parts = self.pending.pop(stream, [])
            self.sizes.pop(stream, None)
            if parts:
                await self.events.publish(RunOutput(
                    run_id=self.run_id, stream=stream, data="".join(parts)))

    async def close(self) -> None:
        if self.timer is not None:
            self.timer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.timer
            self.timer = None
        await self.flush()


@dataclass
class _Active:
    owner: str
    cancel: asyncio.Event
    task: asyncio.Task[None] | None = None
    on_end: OnEnd | None = None


class RunService:
    def __init__(self, sandbox: Sandbox, events: Publish) -> None:
        self.sandbox = sandbox
        self.events = events
        self._active: dict[str, _Active] = {}

    async def start_run(self, argv: object, *, owner: str, timeout_s: float | None = None,
                    network: bool = False,
                    join: Callable[[str], Awaitable[None]] | None = None,
                    on_end: OnEnd | None = None) -> str:
        """Checks the request (raises the sandbox's 422/403/503 errors), joins the caller to
        the run's room, starts it; returns the run id. `on_end` is awaited after `run:exit`."""
        args = validate_argv(argv)
        timeout = self.sandbox.timeout(timeout_s)
        self.sandbox.check_network(network)
        self.sandbox.check_runnable()
        if sum(1 for run in self._active.values() if run.owner == owner) >= MAX_RUNS_PER_OWNER:
            raise Conflict(f"{MAX_RUNS_PER_OWNER} runs are already going for this client; "
                               "wait for one to end or cancel one.")
        run_id = uuid.uuid4().hex
        if join is not None:
            await join(run_id)
        active = _Active(owner, asyncio.Event(), on_end=on_end)
        self._active[run_id] = active
        active.task = asyncio.create_task(self._go(run_id, args, timeout, network, active))
        return run_id

    async def _go(self, run_id: str, argv: list[str], limit_s: float, network: bool,
                  active: _Active) -> None:
        batcher = _Batcher(run_id, self.events)
        result: RunResult | None = None
        error: str | None = None
        try:
            result = await self.sandbox.run(argv, timeout_s=limit_s, network=network,
                                            on_output=batcher.add, cancel=active.cancel)
        except PairpadError as failure:
            error = failure.detail
        except Exception as failure:
            log.exception("run failed", run_id=run_id)
            error = f"The run could not be started ({type(failure).__name__}: {failure})."
        finally:
            self._active.pop(run_id, None)
            await batcher.close()
        if result is not None:
            await self.events.publish(RunExit(
                run_id=run_id, exit_code=result.exit_code, signal=result.signal,
                timed_out=result.timed_out, cancelled=result.cancelled,
                truncated=result.truncated, duration_ms=result.duration_ms,
                sandbox=result.sandbox))
        else:
            await self.events.publish(RunExit(
                run_id=run_id, exit_code=None, signal=None, timed_out=False, cancelled=False,
                truncated=False, duration_ms=0, sandbox=self.sandbox.status().kind,
                error=error))
        if active.on_end is not None:
            try:
                await active.on_end(result)
            except Exception:
                log.exception("run end handler failed", run_id=run_id)

    def cancel(self, run_id: str, owner: str) -> bool:
        """Kills the run (its whole process group); only its owner may. False when unknown
        or already ended."""
        active = self._active.get(run_id)
        if active is None or active.owner != owner:
            return False
        active.cancel.set()
        return True

    def cancel_owned_by(self, owner: str) -> None:
        for active in list(self._active.values()):
            if active.owner == owner:
                active.cancel.set()

    # ---- component: probes the sandbox at start-up, kills every run on the way down -----

    async def start(self) -> None:
        await self.sandbox.start()

    async def stop(self) -> None:
        tasks = [a.task for a in self._active.values() if a.task is not None]
        for active in self._active.values():
            active.cancel.set()
        for task in tasks:
            with contextlib.suppress(Exception, asyncio.CancelledError):
                await asyncio.wait_for(task, 10)
        await self.sandbox.stop()
