"""One configured server over its lifetime: started on demand, restarted after a crash with
runtime/process.py's CrashBackoff, `failed` when it cannot start or keeps crashing."""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path

import structlog

from pairpad.events.models import LspServerStatus, LspState
from pairpad.runtime.lsp.client import ApplyEdit, Notify, ServerClient
from pairpad.runtime.lsp.jsonrpc import ConnectionClosed, ResponseError
from pairpad.runtime.lsp.settings import LspServerSettings
from pairpad.runtime.process import CrashBackoff, ProcessExited, log_tail

log = structlog.get_logger("pairpad.lsp")

# Where `make setup` puts the npm language servers (a source checkout; absent in a wheel).
TOOLS_BIN = Path(__file__).resolve().parents[4] / "tools" / "lsp" / "node_modules" / ".bin"


def resolve_program(program: str, search: list[Path]) -> str | None:
    """A bare program name -> its path in the venv, tools/lsp or PATH (None: not found)."""
    if "/" in program:
        return program if Path(program).exists() else None
    for folder in search:
        candidate = folder / program
        if candidate.is_file():
            return str(candidate)
    return shutil.which(program)


def default_search() -> list[Path]:
    return [Path(sys.executable).parent, TOOLS_BIN]


class Supervisor:
    def __init__(self, name: str, settings: LspServerSettings, root: Path, log_dir: Path,
                 delays: tuple[float, ...], start_timeout: float, on_notification: Notify,
                 apply_edit: ApplyEdit, on_ready: Callable[[Supervisor], Awaitable[None]],
                 on_state: Callable[[], Awaitable[None]], search: list[Path]) -> None:
        self.name = name
        self.settings = settings
        self.root = root
        self.log_path = log_dir / f"{name}.log"
        self.backoff = CrashBackoff(delays=delays)
        self.start_timeout = start_timeout
        self.state: LspState = "not_started"
        self.detail: str | None = None
        self.client: ServerClient | None = None
        self.ready = asyncio.Event()
        self._on_notification = on_notification
        self._apply_edit = apply_edit
        self._on_ready = on_ready
        self._on_state = on_state
        self._search = search
        self._task: asyncio.Task[None] | None = None
        self._stopping = False

    def status(self) -> LspServerStatus:
        return LspServerStatus(name=self.name, languages=list(self.settings.languages),
                               state=self.state, detail=self.detail)

    def ensure_started(self) -> None:
        if self._task is None and not self._stopping:
            self._task = asyncio.get_running_loop().create_task(self._supervise())

    async def wait_ready(self, within: float) -> bool:
        """True when ready within `within` seconds; False when it failed (at once) or did
        not get ready in time (slow, or crashing)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        while not self.ready.is_set() and self.state != "failed" and loop.time() < deadline:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.ready.wait(), min(0.1, deadline - loop.time()))
        return self.ready.is_set()

    async def stop(self) -> None:
        self._stopping = True
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
        if self.client is not None:
            await self.client.stop()
        self.ready.clear()
        self.state, self.detail = "not_started", None  # not published: the server is stopping

    async def _set(self, state: LspState, detail: str | None = None) -> None:
        self.state, self.detail = state, detail
        await self._on_state()

    async def _supervise(self) -> None:
        argv = list(self.settings.command)
        program = resolve_program(argv[0], self._search)
        if program is None:
            await self._set("failed", f"{argv[0]} was not found (in the venv, tools/lsp or "
                            "PATH): run `make setup`, or set lsp.servers."
                            f"{self.name}.command to the program's path")
            return
        argv[0] = program
        while not self._stopping:
            client = ServerClient(self.name, self.settings, argv, self.root, self.log_path,
                                  self._on_notification, self._apply_edit)
            self.client = client
            await self._set("starting")
            try:
                await client.start(self.start_timeout)
            except (OSError, ProcessExited, ConnectionClosed, ConnectionError,
                    ResponseError, TimeoutError) as error:
                if isinstance(error, OSError) and client.process.popen is None:
                    await self._set("failed", f"{program} could not be started: {error}")
                    return
                log.warning("language server did not start", server=self.name,
                            error=str(error))
            else:
                self.ready.set()
                await self._set("ready")
                await self._on_ready(self)
                await client.wait_closed()
            self.ready.clear()
            if self._stopping:
                return
            await client.process.wait_exit(2.0)
            if client.process.running:  # the stream ended but it lingers: no use to anyone
                await client.process.stop(grace=1.0)
            detail = f"{self.name} {client.process.describe_exit()}"
            tail = log_tail(self.log_path, lines=4)
            detail += f"; last output:\n{tail}" if tail else ""
            self.backoff.record_crash(client.process.started_at)
            if self.backoff.gave_up:
                await self._set("failed", detail + f"\n(crashed {self.backoff.streak} times "
                                "in a row; not restarted again)")
                return
            await self._set("crashed", detail)
            log.warning("language server crashed", server=self.name, detail=detail)
            await asyncio.sleep(self.backoff.wait_left())
