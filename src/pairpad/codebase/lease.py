"""Who runs a workspace's index jobs (build, updates, embeddings) when several team-mode
instances host it on one shared data dir: the holder of a lease. Local mode (and team mode
without Redis) holds an always-held lease, so nothing changes there.

The keeper renews the lease every `ttl / 3`; a holder that cannot renew (Redis down) gives
its jobs up before the lease can have expired, since another instance may take it from then
on. A non-holder tries to acquire it at the same pace, so it takes over within one interval
of a release and within the TTL plus one interval of a crash."""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import time
from collections.abc import Awaitable, Callable
from typing import Protocol

import structlog

log = structlog.get_logger("pairpad.context.lease")


class JobLease(Protocol):
    """A lease on one workspace's background jobs. The methods may raise on a transport
    failure (Redis down): the keeper treats that as "not known to be held"."""

    async def try_acquire(self) -> bool: ...  # True: this instance holds it now
    async def renew(self) -> bool: ...  # True: still held, the TTL restarted
    async def release(self) -> None: ...  # only if held; another instance may take it at once


class LocalLease:
    """One process owns the index files: always held."""

    async def try_acquire(self) -> bool:
        return True

    async def renew(self) -> bool:
        return True

    async def release(self) -> None:
        return None


Transition = Callable[[], Awaitable[None]]


class LeaseKeeper:
    """Holds, renews or waits for a lease in the background and says when the jobs start
    (`on_gained`) and stop (`on_lost`, awaited before the lease is released)."""

    def __init__(self, lease: JobLease, on_gained: Transition, on_lost: Transition,
                 ttl: float, name: str = "") -> None:
        self.lease = lease
        self.held = False
        self._on_gained = on_gained
        self._on_lost = on_lost
        self._ttl = ttl
        self._every = ttl / 3
        self._name = name
        self._valid_until = 0.0  # monotonic: the lease cannot have expired before this
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        # The jobs outlive the request that first opened the workspace: they run in a
        # context of their own, so their log lines name no user or request id.
        loop, context = asyncio.get_running_loop(), contextvars.Context()
        await loop.create_task(self.tick(), context=context)
        self._task = loop.create_task(self._run(), context=context)

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if self.held:
            await self._lose("stopping")
            try:
                await self.lease.release()
            except Exception as error:  # it expires by itself after the TTL
                log.warning("index lease release failed", workspace=self._name,
                            error=str(error) or type(error).__name__)

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self._every)
            try:
                await self.tick()
            except Exception:  # a failed transition must not end the keeper
                log.exception("index lease step failed", workspace=self._name)

    async def tick(self) -> None:
        """One step: renew when held, else try to acquire."""
        asked = time.monotonic()  # Redis restarts the TTL no earlier than this
        try:
            ok = await (self.lease.renew() if self.held else self.lease.try_acquire())
        except Exception as error:
            log.warning("index lease unreachable", workspace=self._name, held=self.held,
                        error=str(error) or type(error).__name__)
            # Held until the lease may have expired, minus one interval: by the next tick
            # another instance may hold it.
            if self.held and time.monotonic() + self._every >= self._valid_until:
                await self._lose("lease unreachable")
            return
        if ok:
            self._valid_until = asked + self._ttl
            if not self.held:
                self.held = True
                log.info("index lease acquired", workspace=self._name)
                await self._on_gained()
        elif self.held:
            await self._lose("lease taken by another instance")

    async def _lose(self, reason: str) -> None:
        self.held = False
        log.info("index lease given up", workspace=self._name, reason=reason)
        await self._on_lost()
