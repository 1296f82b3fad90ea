"""`pairpad chat "question" [--file F]` and `pairpad models`.

`chat` talks to a running server when there is one (its runtime file `server-PID.json` in
`<data_dir>/runtime/`, Socket.IO with the token), else runs the chat service in-process with
the same database and providers (no web server, no watcher). Answers stream to stdout; the
context summary and usage go to stderr, so `pairpad chat … > answer.md` keeps only the answer.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import secrets
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TextIO

import httpx

from pairpad.ai.chat_models import ChatSendRequest
from pairpad.config import Settings
from pairpad.errors import PairpadError
from pairpad.events.models import ChatDelta, ChatDone, ChatError, ServerEvent
from pairpad.services import Component, Services, build_services


def find_running_server(runtime_dir: Path) -> dict[str, Any] | None:
    """The newest runtime file whose process is alive and answers /api/health."""
    candidates = sorted(runtime_dir.glob("server-*.json"), key=lambda p: p.stat().st_mtime,
                        reverse=True) if runtime_dir.is_dir() else []
    for path in candidates:
        try:
            info = json.loads(path.read_text())
            os.kill(int(info["pid"]), 0)
            base = str(info["url"]).split("/?", 1)[0]
            if httpx.get(f"{base}/api/health", timeout=2).status_code == 200:
                return {**info, "base_url": base}
        except (OSError, ValueError, KeyError, httpx.HTTPError):
            continue
    return None


def build_request(question: str, file: Path | None, workspace: Path,
                  model: str | None, max_tokens: int | None) -> ChatSendRequest:
    active = None
    if file is not None:
        resolved = file.expanduser().resolve()
        try:
            shown = resolved.relative_to(workspace).as_posix()
        except ValueError:
            shown = str(resolved)
        # Send the content: the file may be outside the server's workspace.
        active = {"path": shown, "content": resolved.read_text(errors="replace")}
    return ChatSendRequest.model_validate({"text": question, "active_file": active,
                                           "model": model, "max_tokens": max_tokens})


EXIT_FAILED = 1  # the server refused the question or the provider failed
EXIT_USAGE = 2
EXIT_LOST = 3  # the connection dropped, or no answer came within the idle timeout
IDLE_TIMEOUT = 300.0  # seconds without any event before giving up on a remote answer
INDEX_WAIT = 120.0  # seconds a one-shot `@codebase` question waits for the index build


class Printer:
    """Writes one answer's deltas as they come and remembers how it ended.

    Events can arrive before the `chat:send` ack names their message: all of them (deltas,
    done, error) are buffered by message id and replayed, in order, once the ack is in."""

    def __init__(self, out: TextIO, err: TextIO) -> None:
        self.out, self.err = out, err
        self.message_id: str | None = None
        self.pending: dict[str, list[tuple[str, dict[str, Any]]]] = {}
        self.done = asyncio.Event()
        self.error: str | None = None
        self.exit_code = 0
        self._activity = asyncio.Event()

    def started(self, ack: dict[str, Any]) -> None:
        self.message_id = ack["message_id"]
        included = [c for c in ack.get("context", []) if c.get("included")]
        if included:
            parts = ", ".join(f"{c.get('path') or c.get('title')} ({c['tokens']} tok"
                              f"{', truncated' if c.get('truncated') else ''})" for c in included)
            print(f"[{ack['model']}] context: {parts}", file=self.err)
        for event, data in self.pending.pop(ack["message_id"], []):
            self._handle(event, data)
        self.pending.clear()  # other messages' events (another client's) are not ours
        self.out.flush()

    async def event(self, event: str, data: dict[str, Any]) -> None:
        mid = data.get("message_id")
        if self.message_id is None:
            if isinstance(mid, str):
                self.pending.setdefault(mid, []).append((event, data))  # before the ack
        elif mid == self.message_id:
            self._handle(event, data)

    def _handle(self, event: str, data: dict[str, Any]) -> None:
        self._activity.set()
        if self.done.is_set():
            return
        if event == ChatDelta.name:
            self.out.write(data["text"])
            self.out.flush()
        elif event == ChatError.name:
            self.fail(str(data.get("detail")), EXIT_FAILED)
        elif event == ChatDone.name:
            usage = data.get("usage") or {}
            print(f"\n[{data.get('finish_reason')}; {usage.get('input_tokens', '?')} in, "
                  f"{usage.get('output_tokens', '?')} out]", file=self.err)
            self.done.set()

    def fail(self, detail: str, code: int) -> None:
        if not self.done.is_set():
            self.error, self.exit_code = detail, code
            self.done.set()

    def disconnected(self) -> None:
        self.fail("lost the connection to the Pairpad server before the answer ended "
                  "(did it stop?)", EXIT_LOST)

    async def wait(self, idle_timeout: float) -> None:
        """Until done, error or disconnect; gives up after `idle_timeout` s without an event."""
        while not self.done.is_set():
            self._activity.clear()
            done = asyncio.ensure_future(self.done.wait())
            active = asyncio.ensure_future(self._activity.wait())
            try:
                await asyncio.wait({done, active}, timeout=idle_timeout,
                                   return_when=asyncio.FIRST_COMPLETED)
            finally:
                done.cancel()
                active.cancel()
            if not self.done.is_set() and not self._activity.is_set():
                self.fail(f"no answer from the server for {idle_timeout:g}s; gave up", EXIT_LOST)


async def chat_remote(server: dict[str, Any], request: ChatSendRequest, printer: Printer,
                      idle_timeout: float = IDLE_TIMEOUT) -> int:
    import socketio  # needs aiohttp (python-socketio's asyncio client)

    client = socketio.AsyncClient(reconnection=False)
    for kind in (ChatDelta, ChatDone, ChatError):
        client.on(kind.name, _forward(printer, kind.name))

    async def on_disconnect(*_args: Any) -> None:
        printer.disconnected()

    client.on("disconnect", on_disconnect)
    try:
        await client.connect(server["base_url"], auth={"token": server["token"]},
                             transports=["websocket"], wait_timeout=10)
    except socketio.exceptions.ConnectionError as error:
        print(f"pairpad: cannot connect to the server at {server['base_url']}: {error}",
              file=printer.err)
        return EXIT_LOST
    try:
        # `call` keeps waiting after a disconnect (until its timeout): race it with that.
        sending = asyncio.ensure_future(
            client.call("chat:send", request.model_dump(exclude_none=True), timeout=120))
        dropped = asyncio.ensure_future(printer.done.wait())
        try:
            await asyncio.wait({sending, dropped}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            dropped.cancel()
            if not sending.done():
                sending.cancel()
        if printer.done.is_set() or sending.cancelled() or sending.exception() is not None:
            printer.fail("the server did not accept the question (no answer to chat:send)",
                         EXIT_LOST)
            return _result(printer)
        ack = sending.result()
        if "error" in ack:
            print(f"pairpad: {ack['error']}", file=printer.err)
            return EXIT_FAILED
        printer.started(ack)
        try:
            await printer.wait(idle_timeout)
        except asyncio.CancelledError:
            await _cancel(client, ack["message_id"])
            raise
        if printer.exit_code == EXIT_LOST and client.connected:
            await _cancel(client, ack["message_id"])  # gave up waiting: stop the generation
    finally:
        await client.disconnect()
    return _result(printer)


async def _cancel(client: Any, message_id: str) -> None:
    with contextlib.suppress(Exception):
        await client.emit("chat:cancel", {"message_id": message_id})


def _forward(printer: Printer, name: str) -> Callable[[dict[str, Any]], Awaitable[None]]:
    async def handler(data: dict[str, Any]) -> None:  # a coroutine function, as socketio wants
        await printer.event(name, data)

    return handler


@asynccontextmanager
async def embedded_services(settings: Settings, printer: Printer | None, preload: bool = True
                            ) -> AsyncIterator[Services]:
    """The server's own services (`build_services`, the one composition root), so the chat
    gets the same context sources (`@codebase` included) and secret-file rules; started
    without the HTTP server, the watcher or the temp sweeper: a one-shot question needs none."""
    services = build_services(settings, secrets.token_urlsafe(32))
    if printer is not None:  # no socket here: the printer subscribes to the bus instead
        async def to_printer(event: ServerEvent) -> None:
            await printer.event(event.name, event.payload())

        services.events.subscribe(to_printer)
    services.ai.preload = preload and settings.ai.local.preload
    await services.db.migrate()
    started: list[Component] = []
    try:
        needed: list[Component] = [services.ai, services.context]
        for component in needed:
            await component.start()
            started.append(component)
        yield services
    finally:
        for component in reversed(started):
            await component.stop()
        await services.db.dispose()


async def wait_for_index(services: Services, err: TextIO, limit: float = INDEX_WAIT) -> None:
    """`@codebase` needs the index: a one-shot chat waits (a while) for its build."""
    deadline = asyncio.get_running_loop().time() + limit
    announced = False
    while services.context.indexer.status.state in ("idle", "building"):
        if not announced:
            print("(indexing the workspace for @codebase…)", file=err)
            announced = True
        if asyncio.get_running_loop().time() > deadline:
            print(f"(the index is not ready after {limit:g}s: answering without it)", file=err)
            return
        await asyncio.sleep(0.1)


async def chat_embedded(settings: Settings, request: ChatSendRequest, printer: Printer) -> int:
    async with embedded_services(settings, printer) as services:
        ai = services.ai
        if "@codebase" in request.text and settings.index.enabled:
            await wait_for_index(services, printer.err)
        try:
            ack = await ai.chat.send(request)
        except PairpadError as error:
            print(f"pairpad: {error.detail}", file=printer.err)
            return EXIT_FAILED
        printer.started(ack)
        try:
            await printer.done.wait()
        except asyncio.CancelledError:
            await ai.chat.cancel(ack["message_id"])
            raise
    return _result(printer)


def _result(printer: Printer) -> int:
    if printer.error:
        print(f"\npairpad: {printer.error}", file=printer.err)
        return printer.exit_code or EXIT_FAILED
    return 0


def run_chat(question: str, file: Path | None, model: str | None, max_tokens: int | None,
             local: bool, out: TextIO = sys.stdout, err: TextIO = sys.stderr,
             idle_timeout: float = IDLE_TIMEOUT) -> int:
    """Exit code 0 on an answer, 1 when the server or provider failed, 2 on bad usage, 3 when
    the connection dropped or nothing came for `idle_timeout` seconds, 130 on Ctrl+C."""
    settings = Settings(workspace=Path.cwd())
    server = None if local else find_running_server(settings.runtime_dir)
    try:
        request = build_request(question, file, Path(server["workspace"]) if server
                                else settings.workspace, model, max_tokens)
    except (OSError, ValueError) as error:
        print(f"pairpad: {error}", file=err)
        return EXIT_USAGE
    if not request.text.strip():
        print("pairpad: the question is empty", file=err)
        return EXIT_USAGE
    printer = Printer(out, err)
    if server is not None:
        print(f"(via the running server at {server['base_url']})", file=err)
    runner = chat_remote(server, request, printer, idle_timeout) if server else chat_embedded(
        settings, request, printer)
    try:
        return asyncio.run(runner)
    except KeyboardInterrupt:
        print("\n(stopped)", file=err)
        return 130


def run_models(as_json: bool, out: TextIO = sys.stdout, err: TextIO = sys.stderr) -> int:
    """Roles and providers. With a server running, its own view (the embedded model's real
    state: a crash there shows here too); else an in-process probe (nothing is started)."""
    settings = Settings(workspace=Path.cwd())
    server = find_running_server(settings.runtime_dir)
    if server is not None:
        print(f"(via the running server at {server['base_url']})", file=err)
        response = httpx.get(f"{server['base_url']}/api/models", timeout=30,
                             headers={"Authorization": f"Bearer {server['token']}"})
        response.raise_for_status()
        report = _models_report(response.json())
    else:
        report = asyncio.run(_probe_in_process(settings))
    if as_json:
        print(json.dumps(report, indent=2), file=out)
        return 0
    for role, ref in report["roles"].items():
        print(f"{role:<13} {ref}", file=out)
    print(file=out)
    for p in report["providers"]:
        print(f"{p['name']} ({p['kind']}): {p['state'].replace('_', ' ')} - {p['detail']}",
              file=out)
        for model_id in p["models"]:
            print(f"    {model_id}", file=out)
    for problem in report["problems"]:
        print(f"! {problem}", file=out)
    with contextlib.suppress(Exception):
        out.flush()
    return 0


def _models_report(body: dict[str, Any]) -> dict[str, Any]:
    """`GET /api/models` reduced to what the command prints (the same for both paths)."""
    return {
        "roles": {role: ("off" if r.get("off") else r["ref"]) for role, r in body["roles"].items()},
        "providers": [{"name": p["name"], "kind": p["kind"],
                       "reachable": bool(p.get("reachable")), "state": p.get("state", "unknown"),
                       "detail": p.get("detail", ""),
                       "models": [m["id"] for m in p.get("models", [])]}
                      for p in body["providers"]],
        "problems": body["problems"],
    }


async def _probe_in_process(settings: Settings) -> dict[str, Any]:
    from pairpad.ai.embedding import embed_target

    async with embedded_services(settings, None, preload=False) as services:
        ai = services.ai
        statuses = await ai.registry.status(settings.ai.probe_timeout)
        off = embed_target(ai.registry) is None
        return {
            "roles": {r: ("off" if r == "embed" and off else str(ref))
                      for r, ref in ai.registry.roles.items()},
            "providers": [{"name": s.name, "kind": s.kind, "reachable": s.reachable,
                           "state": s.state, "detail": s.detail,
                           "models": [m.id for m in s.models]} for s in statuses],
            "problems": ai.config.problems,
        }
