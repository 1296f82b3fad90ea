"""MCP servers whose tools the agent may call (`[agent.mcp.<name>]` in the user's config).

One session per enabled server, each run by its own task for the app's lifetime: `start()`
returns at once and a slow or broken server only ever becomes state "failed" with a readable
error (the program not found, exited with code/signal and its last stderr lines, an HTTP
status). A stdio server gets a minimal environment (PATH, HOME, LANG, TMPDIR and its own
`env`): never Pairpad's provider API keys or PAIRPAD_* variables. Its working directory is the
workspace.

Tools are offered to the model as `mcp__<server>__<tool>`; the list is re-read when a server
sends notifications/tools/list_changed.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import anyio
import httpx2
import mcp_types
import structlog
from mcp import ClientSession
from mcp.client.streamable_http import streamable_http_client
from mcp.shared._stream_protocols import ReadStream, WriteStream
from mcp.shared.exceptions import MCPError
from mcp.shared.message import SessionMessage

from pairpad.ai.agent.mcp_stdio import StdioChild, describe_exit, stdio_child
from pairpad.ai.agent.settings import McpServerSettings

log = structlog.get_logger("pairpad.ai.agent.mcp")

State = Literal["starting", "ready", "failed", "stopped"]
PREFIX = "mcp__"
MAX_NAME = 64  # what the providers accept as a tool name
INHERITED_ENV = ("PATH", "HOME", "LANG", "TMPDIR")
STDERR_TAIL = 600  # characters of a dead server's stderr shown in its error
STOP_TIMEOUT_S = 8.0  # a server's shutdown (stdin closed, SIGTERM, SIGKILL) takes at most ~6 s
EXIT_REPORT_S = 3.0  # how long a call whose server died waits to name why
CLIENT_INFO = mcp_types.Implementation(name="pairpad", version="0.1.0")


@dataclass(frozen=True)
class McpTool:
    qualified: str  # mcp__<server>__<tool>, what the model calls
    server: str
    name: str  # the server's own name for it
    description: str
    input_schema: dict[str, Any]
    trusted: bool


@dataclass(frozen=True)
class McpResult:
    ok: bool  # false: an error the model should see as one
    text: str


@dataclass(frozen=True)
class McpToolInfo:
    name: str
    description: str


@dataclass(frozen=True)
class McpServerStatus:
    """One server as `GET /api/agent/mcp` shows it."""

    name: str
    transport: Literal["stdio", "http"]
    state: State
    error: str | None
    trusted: bool
    tools: list[McpToolInfo]

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "transport": self.transport, "state": self.state,
                "error": self.error, "trusted": self.trusted,
                "tools": [{"name": t.name, "qualified": qualified_name(self.name, t.name),
                           "description": t.description} for t in self.tools]}


class McpHub:
    """A component (`start`/`stop`) holding a session per configured MCP server."""

    def __init__(self, servers: Mapping[str, McpServerSettings], workspace: Path,
                 on_change: Callable[[], None] | None = None) -> None:
        self.workspace = workspace
        self.on_change = on_change  # a server's state or tools changed
        self._servers = {name: _Server(name, config, self) for name, config in servers.items()}
        self._by_qualified: dict[str, McpTool] = {}
        self._settled = asyncio.Event()  # no server is starting
        self._settled.set()

    async def start(self) -> None:
        for server in self._servers.values():
            if server.config.enabled:
                server.begin()

    async def stop(self) -> None:
        await asyncio.gather(*(s.end() for s in self._servers.values()))

    async def wait_ready(self) -> None:
        """Waits until no server is still starting (each has its start_timeout_s)."""
        await self._settled.wait()

    def status(self) -> list[McpServerStatus]:
        return [s.status() for s in self._servers.values()]

    def tools(self) -> list[McpTool]:
        return list(self._by_qualified.values())

    async def call(self, qualified: str, args: dict[str, Any],
                   cancel: asyncio.Event | None = None) -> McpResult:
        tool = self._by_qualified.get(qualified)
        if tool is None:
            for server in self._servers.values():  # its server may have died since the listing
                if server.state != "ready" and qualified.startswith(
                        qualified_name(server.name, "")):
                    return server.not_running()
            return McpResult(False, f"No MCP tool is called {qualified!r} (now): use one of the "
                             "tools listed.")
        return await self._servers[tool.server].call(tool.name, args, cancel)

    # The agent's toolbox interface (tools.McpTools).
    def specs(self) -> list[tuple[str, str, dict[str, Any], bool]]:
        return [(t.qualified, t.description, t.input_schema, t.trusted) for t in self.tools()]

    async def call_tool(self, qualified: str, args: dict[str, Any],
                        cancel: asyncio.Event | None) -> McpResult:
        return await self.call(qualified, args, cancel)

    def _changed(self) -> None:
        self._by_qualified = qualify(
            [(s.name, s.tools, s.config.trusted) for s in self._servers.values()
             if s.state == "ready"])
        if any(s.state == "starting" for s in self._servers.values()):
            self._settled.clear()
        else:
            self._settled.set()
        if self.on_change is not None:
            try:
                self.on_change()
            except Exception:  # a listener's bug must not take a server down
                log.exception("mcp_on_change_failed")


class _Server:
    """One server's session, owned by one task (the SDK's cancel scopes need that)."""

    def __init__(self, name: str, config: McpServerSettings, hub: McpHub) -> None:
        self.name = name
        self.config = config
        self.hub = hub
        self.state: State = "stopped"
        self.error: str | None = None
        self.tools: list[mcp_types.Tool] = []
        self.session: ClientSession | None = None
        self._task: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()  # stop asked, tools changed, or the child's stdout ended
        self._stopping = False
        self._tools_changed = False
        self._watcher: asyncio.Task[None] | None = None
        self._lost = False  # a call found the connection closed

    @property
    def transport(self) -> Literal["stdio", "http"]:
        return "stdio" if self.config.command is not None else "http"

    def status(self) -> McpServerStatus:
        return McpServerStatus(
            self.name, self.transport, self.state, self.error, self.config.trusted,
            [McpToolInfo(t.name, t.description or "") for t in self.tools]
            if self.state == "ready" else [])

    def begin(self) -> None:
        self._set("starting")
        self._task = asyncio.create_task(self._run(), name=f"mcp:{self.name}")

    async def end(self) -> None:
        task = self._task
        if task is None:
            return
        self._stopping = True
        self._wake.set()  # a serving session ends by itself, closing the server gently
        if self.session is None:
            task.cancel()  # still starting: nothing to finish, the transport still stops it
        _done, pending = await asyncio.wait({task}, timeout=STOP_TIMEOUT_S)
        if pending:
            task.cancel()
            await asyncio.wait({task})
        self._task = None

    # ---- the session's life --------------------------------------------------------------

    async def _run(self) -> None:
        child: StdioChild | None = None
        http = _HttpLog()
        read: ReadStream[SessionMessage | Exception]
        write: WriteStream[SessionMessage]
        try:
            async with contextlib.AsyncExitStack() as stack:
                if self.config.command is not None:
                    child = await stack.enter_async_context(stdio_child(
                        self.config.command, env=server_env(self.config.env),
                        cwd=str(self.hub.workspace)))
                    read, write = child.read, child.write
                else:
                    assert self.config.url is not None
                    client = await stack.enter_async_context(http.client(self.config))
                    read, write = await stack.enter_async_context(
                        streamable_http_client(self.config.url, http_client=client))
                session = await stack.enter_async_context(ClientSession(
                    read, write, message_handler=self._on_message, client_info=CLIENT_INFO))
                with anyio.fail_after(self.config.start_timeout_s):
                    await session.initialize()
                    self.tools = await _list_tools(session)
                self.session = session
                self._set("ready")
                await self._serve(session, child)
            if not self._stopping:
                # The connection is gone; the stack's exit reaped a child, so its exit
                # status is known now.
                self._fail(self._gone(child, http))
        except OSError as exc:
            if child is None and self.config.command is not None:
                self._fail(_spawn_error(self.config.command, exc, self.hub.workspace))
            else:
                self._fail(self._why(exc, child, http))
        except Exception as exc:  # a broken server is a state, not a crash
            self._fail(self._why(exc, child, http))
        finally:
            self.session = None
            if self._stopping:
                self.error = None
                self._set("stopped")

    async def _serve(self, session: ClientSession, child: StdioChild | None) -> None:
        if child is not None:
            # Kept: the loop holds tasks weakly.
            self._watcher = asyncio.create_task(self._watch(child), name=f"mcp:{self.name}:watch")
        while True:
            await self._wake.wait()
            self._wake.clear()
            if self._stopping or self._lost or (child is not None and child.closed.is_set()):
                return
            if self._tools_changed:
                self._tools_changed = False
                try:
                    with anyio.fail_after(self.config.call_timeout_s):
                        self.tools = await _list_tools(session)
                except (MCPError, TimeoutError) as exc:
                    log.warning("mcp_tools_refresh_failed", server=self.name, error=str(exc))
                    continue
                self.hub._changed()

    async def _watch(self, child: StdioChild) -> None:
        await child.closed.wait()
        self._wake.set()

    async def _on_message(self, message: mcp_types.ServerNotification | Exception) -> None:
        # Runs on the session's read loop: asking for the list here would wait for an answer
        # that loop has to read, so the serve loop does it.
        if isinstance(message, mcp_types.ToolListChangedNotification):
            self._tools_changed = True
            self._wake.set()
        elif isinstance(message, Exception):
            log.warning("mcp_transport_error", server=self.name, error=str(message))

    # ---- calls ---------------------------------------------------------------------------

    async def call(self, tool: str, args: dict[str, Any],
                   cancel: asyncio.Event | None) -> McpResult:
        session = self.session
        if session is None or self.state != "ready":
            return self.not_running()
        call = asyncio.create_task(session.call_tool(tool, args))
        waits: set[asyncio.Future[Any]] = {call}
        stop = asyncio.ensure_future(cancel.wait()) if cancel is not None else None
        if stop is not None:
            waits.add(stop)
        try:
            done, _ = await asyncio.wait(waits, timeout=self.config.call_timeout_s,
                                         return_when=asyncio.FIRST_COMPLETED)
        finally:
            if stop is not None:
                stop.cancel()
        if call not in done:
            call.cancel()
            with contextlib.suppress(BaseException):
                await call
            if stop is not None and stop in done:
                return McpResult(False, "Cancelled.")
            return McpResult(False, f"The MCP server {self.name!r} did not answer {tool} within "
                             f"{self.config.call_timeout_s:g} s.")
        try:
            result = call.result()
        except MCPError as exc:
            if exc.code != mcp_types.CONNECTION_CLOSED:
                return McpResult(False, f"The MCP server {self.name!r} refused {tool}: "
                                 f"{exc.message}")
            # It died: its task is about to say how (exit code, stderr); wait a moment for that.
            self._lost = True
            self._wake.set()
            if self._task is not None:
                await asyncio.wait({self._task}, timeout=EXIT_REPORT_S)
            gone = self.error or "the connection closed"
            return McpResult(False, f"The MCP server {self.name!r} failed during {tool}: {gone}")
        except Exception as exc:  # the transport died under the call
            gone = self.error or str(exc) or type(exc).__name__
            return McpResult(False, f"The MCP server {self.name!r} failed during {tool}: {gone}")
        return McpResult(not result.is_error, result_text(result))

    def not_running(self) -> McpResult:
        why = f": {self.error}" if self.error else ""
        return McpResult(False, f"The MCP server {self.name!r} is not running ({self.state}){why}.")

    # ---- state ---------------------------------------------------------------------------

    def _set(self, state: State) -> None:
        self.state = state
        self.hub._changed()

    def _fail(self, error: str) -> None:
        log.warning("mcp_server_failed", server=self.name, error=error)
        self.error = error
        self.tools = []
        self._set("failed")

    def _gone(self, child: StdioChild | None, http: _HttpLog) -> str:
        if child is not None:
            return (f"{_quote(self.config.command or [])} {describe_exit(child.returncode)}"
                    f"{_tail(child)}")
        why = (f": HTTP {http.status}{http.reason}" if http.status is not None
               else f": {http.error}" if http.error is not None else "")
        return f"{self.config.url} closed the connection{why}"

    def _why(self, exc: BaseException, child: StdioChild | None, http: _HttpLog) -> str:
        leaf = _leaf(exc)
        if isinstance(leaf, TimeoutError):  # before the exit status: the timeout killed it
            return (f"not ready within {self.config.start_timeout_s:g} s (start_timeout_s)"
                    + _tail(child))
        if child is not None and child.returncode is not None:
            return (f"{_quote(self.config.command or [])} {describe_exit(child.returncode)} "
                    f"before it was ready{_tail(child)}")
        if http.status is not None:
            return f"{self.config.url} answered HTTP {http.status}{http.reason}"
        if http.error is not None:
            return f"{self.config.url} could not be reached: {http.error}"
        text = str(leaf) or type(leaf).__name__
        if isinstance(leaf, MCPError):
            text = leaf.message
        return f"{text}{_tail(child)}"


class _HttpLog:
    """Remembers what the HTTP layer saw, for the error of a server that failed: the SDK turns
    a 401 or a refused connection into a generic JSON-RPC error."""

    def __init__(self) -> None:
        self.status: int | None = None
        self.reason = ""
        self.error: str | None = None

    def client(self, config: McpServerSettings) -> httpx2.AsyncClient:
        record = self

        class Recording(httpx2.AsyncHTTPTransport):
            async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
                try:
                    response = await super().handle_async_request(request)
                except httpx2.TransportError as exc:
                    record.error = str(exc) or type(exc).__name__
                    raise
                if response.status_code >= 400:
                    record.status = response.status_code
                    record.reason = f" ({response.reason_phrase})" if response.reason_phrase else ""
                return response

        timeout = httpx2.Timeout(30.0, read=max(300.0, config.call_timeout_s))
        return httpx2.AsyncClient(headers=config.headers, timeout=timeout, transport=Recording())


async def _list_tools(session: ClientSession) -> list[mcp_types.Tool]:
    tools: list[mcp_types.Tool] = []
    cursor: str | None = None
    for _page in range(100):  # a server paging forever cannot hang the start
        params = mcp_types.PaginatedRequestParams(cursor=cursor) if cursor else None
        page = await session.list_tools(params=params)
        tools.extend(page.tools)
        cursor = page.next_cursor
        if not cursor:
            break
    return tools


# ---- pure helpers -------------------------------------------------------------------------


def server_env(own: Mapping[str, str]) -> dict[str, str]:
    """A stdio server's environment: a few harmless variables of ours and its own `env`."""
    env = {key: os.environ[key] for key in INHERITED_ENV if key in os.environ}
    env.setdefault("PATH", os.defpath)
    env.update(own)
    return env


_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")


def qualified_name(server: str, tool: str) -> str:
    """`mcp__<server>__<tool>` in the characters and length every provider accepts; a long
    name is cut and keeps a hash of the whole so two long names stay apart."""
    name = f"{PREFIX}{_UNSAFE.sub('_', server)}__{_UNSAFE.sub('_', tool)}"
    if len(name) <= MAX_NAME:
        return name
    digest = hashlib.sha256(f"{server}\x00{tool}".encode()).hexdigest()[:8]
    return f"{name[:MAX_NAME - 9]}_{digest}"


def qualify(servers: list[tuple[str, list[mcp_types.Tool], bool]]) -> dict[str, McpTool]:
    tools: dict[str, McpTool] = {}
    for server, listed, trusted in servers:
        for tool in listed:
            name = qualified_name(server, tool.name)
            if name in tools:  # two names the same after sanitising: the later one gets a hash
                digest = hashlib.sha256(f"{server}\x00{tool.name}".encode()).hexdigest()[:8]
                name = f"{name[:MAX_NAME - 9]}_{digest}"
            tools[name] = McpTool(name, server, tool.name, tool.description or "",
                                  dict(tool.input_schema), trusted)
    return tools


def result_text(result: mcp_types.CallToolResult) -> str:
    """The result's content as the model sees it: text parts joined, others described."""
    parts: list[str] = []
    for block in result.content:
        if isinstance(block, mcp_types.TextContent):
            parts.append(block.text)
        elif isinstance(block, mcp_types.ImageContent | mcp_types.AudioContent):
            kind = "image" if isinstance(block, mcp_types.ImageContent) else "audio"
            parts.append(f"[{kind} {block.mime_type}, {len(block.data) * 3 // 4} bytes, "
                         "not shown]")
        elif isinstance(block, mcp_types.ResourceLink):
            parts.append(f"[resource {block.uri}"
                         + (f": {block.description}" if block.description else "") + "]")
        elif isinstance(block, mcp_types.EmbeddedResource):
            resource = block.resource
            if isinstance(resource, mcp_types.TextResourceContents):
                parts.append(f"[resource {resource.uri}]\n{resource.text}")
            else:
                parts.append(f"[resource {resource.uri}, {resource.mime_type or 'binary'}, "
                             "not shown]")
    if not parts and result.structured_content is not None:
        parts.append(str(result.structured_content))
    return "\n".join(parts) if parts else "(no output)"


def _spawn_error(command: list[str], exc: OSError, cwd: Path) -> str:
    program = command[0]
    if isinstance(exc, FileNotFoundError):
        if not cwd.is_dir():
            return f"the workspace {cwd} (its working directory) does not exist"
        where = "" if "/" in program else " on PATH"
        return (f"program not found: {program!r}{where} (PATH is the one Pairpad was started "
                "with; give a full path in `command`)")
    if isinstance(exc, PermissionError):
        return f"program not executable: {program!r} ({exc.strerror})"
    return f"could not start {program!r}: {exc.strerror or exc}"


def _quote(command: list[str]) -> str:
    return repr(command[0]) if command else "the server"


def _tail(child: StdioChild | None) -> str:
    text = child.stderr_tail(STDERR_TAIL) if child is not None else ""
    return f"; its stderr ends: {text}" if text else ""


def _leaf(exc: BaseException) -> BaseException:
    while isinstance(exc, BaseExceptionGroup) and exc.exceptions:
        exc = exc.exceptions[0]
    return exc
