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
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TextIO

import httpx

from pairpad.ai.chat_models import ChatSendRequest
from pairpad.ai.wiring import AIServices, build_ai
from pairpad.config import Settings
from pairpad.errors import PairpadError
from pairpad.storage.db import Database
from pairpad.workspace.files import FileService


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


class Printer:
    """Writes one answer's deltas as they come and remembers how it ended."""

    def __init__(self, out: TextIO, err: TextIO) -> None:
        self.out, self.err = out, err
        self.message_id: str | None = None
        self.pending: dict[str, list[str]] = {}
        self.done = asyncio.Event()
        self.error: str | None = None

    def started(self, ack: dict[str, Any]) -> None:
        self.message_id = ack["message_id"]
        included = [c for c in ack.get("context", []) if c.get("included")]
        if included:
            parts = ", ".join(f"{c.get('path') or c.get('title')} ({c['tokens']} tok"
                              f"{', truncated' if c.get('truncated') else ''})" for c in included)
            print(f"[{ack['model']}] context: {parts}", file=self.err)
        for text in self.pending.pop(ack["message_id"], []):
            self.out.write(text)
        self.out.flush()

    async def event(self, event: str, data: dict[str, Any]) -> None:
        mid = data.get("message_id")
        if event == "chat:delta":
            if mid == self.message_id:
                self.out.write(data["text"])
                self.out.flush()
            elif self.message_id is None and isinstance(mid, str):
                self.pending.setdefault(mid, []).append(data["text"])  # before the ack
        elif event in ("chat:done", "chat:error") and mid == self.message_id:
            if event == "chat:error":
                self.error = str(data.get("detail"))
            else:
                usage = data.get("usage") or {}
                print(f"\n[{data.get('finish_reason')}; {usage.get('input_tokens', '?')} in, "
                      f"{usage.get('output_tokens', '?')} out]", file=self.err)
            self.done.set()


async def chat_remote(server: dict[str, Any], request: ChatSendRequest, printer: Printer) -> int:
    import socketio  # needs aiohttp (python-socketio's asyncio client)

    client = socketio.AsyncClient(reconnection=False)
    for name in ("chat:delta", "chat:done", "chat:error"):
        client.on(name, _forward(printer, name))
    await client.connect(server["base_url"], auth={"token": server["token"]},
                         transports=["websocket"], wait_timeout=10)
    try:
        ack = await client.call("chat:send", request.model_dump(exclude_none=True), timeout=120)
        if "error" in ack:
            print(f"pairpad: {ack['error']}", file=printer.err)
            return 1
        printer.started(ack)
        try:
            await printer.done.wait()
        except asyncio.CancelledError:
            await client.emit("chat:cancel", {"message_id": ack["message_id"]})
            raise
    finally:
        await client.disconnect()
    return _result(printer)


def _forward(printer: Printer, name: str) -> Callable[[dict[str, Any]], Awaitable[None]]:
    async def handler(data: dict[str, Any]) -> None:  # a coroutine function, as socketio wants
        await printer.event(name, data)

    return handler


@asynccontextmanager
async def embedded_ai(settings: Settings, printer: Printer | None) -> AsyncIterator[AIServices]:
    """The AI services alone, on the user's database: no HTTP server, watcher or indexer."""
    db = Database.for_sqlite_file(settings.database_path)
    await db.migrate()

    async def emit(event: str, data: dict[str, Any], _room: str) -> None:
        if printer is not None:
            await printer.event(event, data)

    files = FileService(settings.workspace, settings.max_file_size)
    ai = build_ai(settings.ai, settings.data_dir, db, files, emit)
    await ai.start()
    try:
        yield ai
    finally:
        await ai.stop()
        await db.dispose()


async def chat_embedded(settings: Settings, request: ChatSendRequest, printer: Printer) -> int:
    async with embedded_ai(settings, printer) as ai:
        try:
            ack = await ai.chat.send(request)
        except PairpadError as error:
            print(f"pairpad: {error.detail}", file=printer.err)
            return 1
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
        return 1
    return 0


def run_chat(question: str, file: Path | None, model: str | None, max_tokens: int | None,
             local: bool, out: TextIO = sys.stdout, err: TextIO = sys.stderr) -> int:
    settings = Settings(workspace=Path.cwd())
    server = None if local else find_running_server(settings.runtime_dir)
    try:
        request = build_request(question, file, Path(server["workspace"]) if server
                                else settings.workspace, model, max_tokens)
    except (OSError, ValueError) as error:
        print(f"pairpad: {error}", file=err)
        return 2
    if not request.text.strip():
        print("pairpad: the question is empty", file=err)
        return 2
    printer = Printer(out, err)
    if server is not None:
        print(f"(via the running server at {server['base_url']})", file=err)
    runner = chat_remote(server, request, printer) if server else chat_embedded(
        settings, request, printer)
    try:
        return asyncio.run(runner)
    except KeyboardInterrupt:
        print("\n(stopped)", file=err)
        return 130


def run_models(as_json: bool, out: TextIO = sys.stdout) -> int:
    settings = Settings(workspace=Path.cwd())

    async def gather() -> dict[str, Any]:
        async with embedded_ai(settings, None) as ai:
            statuses = await ai.registry.status(settings.ai.probe_timeout)
            return {
                "roles": {r: str(ref) for r, ref in ai.registry.roles.items()},
                "providers": [{"name": s.name, "kind": s.kind, "reachable": s.reachable,
                               "detail": s.detail, "models": [m.id for m in s.models]}
                              for s in statuses],
                "problems": ai.config.problems,
            }

    report = asyncio.run(gather())
    if as_json:
        print(json.dumps(report, indent=2), file=out)
        return 0
    for role, ref in report["roles"].items():
        print(f"{role:<13} {ref}", file=out)
    print(file=out)
    for p in report["providers"]:
        state = "ok" if p["reachable"] else "unreachable"
        print(f"{p['name']} ({p['kind']}): {state} - {p['detail']}", file=out)
        for model_id in p["models"]:
            print(f"    {model_id}", file=out)
    for problem in report["problems"]:
        print(f"! {problem}", file=out)
    with contextlib.suppress(Exception):
        out.flush()
    return 0
