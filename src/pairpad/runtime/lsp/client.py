"""One running language server: its process (runtime/process.py), its JSON-RPC connection,
the `initialize` handshake, and the documents it has open."""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from pairpad import __version__
from pairpad.runtime.lsp.capabilities import CLIENT_CAPABILITIES, supports
from pairpad.runtime.lsp.jsonrpc import Connection, MethodNotFound
from pairpad.runtime.lsp.settings import LspServerSettings
from pairpad.runtime.process import ManagedProcess, ProcessExited

Notify = Callable[[str, str, Any], Awaitable[None]]  # (server, method, params)
ApplyEdit = Callable[[str, Any], Awaitable[dict[str, Any]]]  # (server, params) -> result


class ServerClient:
    """Spawn once, `start()` once; a restart is a new ServerClient (as ManagedProcess)."""

    def __init__(self, name: str, settings: LspServerSettings, argv: list[str], root: Path,
                 log_path: Path, on_notification: Notify, apply_edit: ApplyEdit) -> None:
        self.name = name
        self.settings = settings
        self.root = root
        self.process = ManagedProcess(f"language server {name}", argv, log_path,
                                      env=dict(os.environ), pipes=True, cwd=root)
        self._on_notification = on_notification
        self._apply_edit = apply_edit
        self.connection: Connection | None = None
        self.capabilities: dict[str, Any] = {}
        self.opened: dict[str, int] = {}  # uri -> version sent
        self._reader: asyncio.Task[None] | None = None

    async def start(self, within: float) -> None:
        """Spawns and initializes; raises FileNotFoundError (no program), ProcessExited or
        TimeoutError."""
        self.process.spawn()
        popen = self.process.popen
        assert popen is not None and popen.stdin is not None and popen.stdout is not None
        loop = asyncio.get_running_loop()
        reader = asyncio.StreamReader(limit=1 << 20)
        await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), popen.stdout)
        transport, protocol = await loop.connect_write_pipe(
            asyncio.streams.FlowControlMixin, popen.stdin)
        writer = asyncio.StreamWriter(transport, protocol, None, loop)
        self.connection = Connection(reader, writer, self._server_request, self._notified,
                                     self.name)
        self._reader = loop.create_task(self.connection.run())
        root_uri = self.root.resolve().as_uri()
        initialize = self.connection.request("initialize", {
            "processId": os.getpid(),
            "clientInfo": {"name": "Pairpad", "version": __version__},
            "rootUri": root_uri,
            "rootPath": str(self.root),
            "workspaceFolders": [{"uri": root_uri, "name": self.root.name}],
            "capabilities": CLIENT_CAPABILITIES,
            "initializationOptions": self.settings.initialization_options or None,
        }, within)
        try:
            result = await _unless_closed(initialize, self.connection.closed)
        except ConnectionError:
            await self.process.wait_exit(2)
            raise ProcessExited(self.process) from None
        self.capabilities = dict((result or {}).get("capabilities") or {})
        await self.connection.notify("initialized", {})

    def supports(self, method: str, params: Any = None) -> bool:
        return supports(self.capabilities, method, params)

    async def request(self, method: str, params: Any, within: float) -> Any:
        assert self.connection is not None
        return await self.connection.request(method, params, within)

    async def notify(self, method: str, params: Any) -> None:
        assert self.connection is not None
        await self.connection.notify(method, params)

    async def wait_closed(self) -> None:
        if self._reader is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.shield(self._reader)

    async def stop(self, grace: float = 3.0) -> None:
        """`shutdown` + `exit` when it runs; then the process group is stopped anyway."""
        connection = self.connection
        if connection is not None and not connection.closed.is_set() and self.process.running:
            with contextlib.suppress(Exception):
                await connection.request("shutdown", None, grace)
                await connection.notify("exit", None)
            await self.process.wait_exit(1.0)
        await self.process.stop(grace=2.0)
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._reader

    # ---- from the server ------------------------------------------------------------------

    async def _notified(self, method: str, params: Any) -> None:
        await self._on_notification(self.name, method, params)

    async def _server_request(self, method: str, params: Any) -> Any:
        if method == "workspace/configuration":
            items = params.get("items", []) if isinstance(params, dict) else []
            return [None for _ in items]  # no settings of ours: the server's defaults
        if method in ("window/workDoneProgress/create", "client/registerCapability",
                      "client/unregisterCapability", "window/showMessageRequest",
                      "workspace/semanticTokens/refresh", "workspace/inlayHint/refresh",
                      "workspace/diagnostic/refresh", "workspace/codeLens/refresh"):
            return None
        if method == "workspace/workspaceFolders":
            root_uri = self.root.resolve().as_uri()
            return [{"uri": root_uri, "name": self.root.name}]
        if method == "workspace/applyEdit":
            return await self._apply_edit(self.name, params)
        raise MethodNotFound(method)


async def _unless_closed(work: Awaitable[Any], closed: asyncio.Event) -> Any:
    """`work`'s result, or ConnectionError when the stream closes first (the server died)."""
    task = asyncio.ensure_future(work)
    waiter = asyncio.ensure_future(closed.wait())
    try:
        done, _ = await asyncio.wait({task, waiter}, return_when=asyncio.FIRST_COMPLETED)
        if task in done:
            return task.result()
        raise ConnectionError("closed")
    finally:
        waiter.cancel()
        if not task.done():
            task.cancel()
