"""Language servers on a real project: the standard library's `asyncio` package copied to a
temp workspace. Two figures, each through Pairpad (a real `pairpad open`, a Socket.IO
client sending `lsp:open` / `lsp:request`) and, as the reference in the same run, a bare
JSON-RPC client driving `basedpyright-langserver --stdio` directly:

- first diagnostics: from opening asyncio/base_events.py (the server not yet running: it
  starts lazily) to basedpyright's first `publishDiagnostics` of it;
- rename latency: `textDocument/rename` of `BaseEventLoop` (referenced across modules),
  request to answer, the server warm.

.venv/bin/python bench/lsp.py [RUNS]   (default 3; medians printed, and the ratios)
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import socketio

from _common import machine, server

FILE = "asyncio/base_events.py"
RENAME_AT = {"line": 386, "character": 8}  # class BaseEventLoop(events.AbstractEventLoop)
RENAMES = 5


def workspace(root: Path) -> Path:
    ws = root / "ws"
    shutil.copytree(Path(asyncio.__file__).parent, ws / "asyncio",
                    ignore=shutil.ignore_patterns("__pycache__"))
    return ws


# ---- the reference: a bare JSON-RPC client, no Pairpad -----------------------------------


class Bare:
    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process
        self.next_id = 0
        self.pending: dict[int, asyncio.Future[Any]] = {}
        self.diagnostics: asyncio.Queue[str] = asyncio.Queue()
        self.reader = asyncio.create_task(self.read())

    async def send(self, message: dict[str, Any]) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode()
        assert self.process.stdin is not None
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        await self.process.stdin.drain()

    async def request(self, method: str, params: Any) -> Any:
        self.next_id += 1
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self.pending[self.next_id] = future
        await self.send({"id": self.next_id, "method": method, "params": params})
        return await future

    async def read(self) -> None:
        stdout = self.process.stdout
        assert stdout is not None
        while True:
            length = 0
            while (line := await stdout.readline()).strip():
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            if not length:
                return
            message = json.loads(await stdout.readexactly(length))
            if "method" in message and "id" in message:  # the server asks: answer nulls
                items = (message.get("params") or {}).get("items")
                await self.send({"id": message["id"],
                                 "result": [None] * len(items) if items else None})
            elif message.get("method") == "textDocument/publishDiagnostics":
                self.diagnostics.put_nowait(message["params"]["uri"])
            elif "id" in message and message["id"] in self.pending:
                self.pending.pop(message["id"]).set_result(message.get("result"))


async def bare_run(ws: Path) -> tuple[float, list[float]]:
    program = str(Path(sys.executable).parent / "basedpyright-langserver")
    uri = (ws / FILE).resolve().as_uri()
    started = time.perf_counter()
    process = await asyncio.create_subprocess_exec(
        program, "--stdio", stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL, cwd=ws, start_new_session=True)
    client = Bare(process)
    root = ws.resolve().as_uri()
    await client.request("initialize", {
        "processId": None, "rootUri": root, "workspaceFolders": [{"uri": root, "name": "ws"}],
        "capabilities": {"workspace": {"configuration": True},
                         "textDocument": {"publishDiagnostics": {}}}})
    await client.send({"method": "initialized", "params": {}})
    await client.send({"method": "textDocument/didOpen", "params": {"textDocument": {
        "uri": uri, "languageId": "python", "version": 1, "text": (ws / FILE).read_text()}}})
    while await client.diagnostics.get() != uri:
        pass
    first = time.perf_counter() - started
    renames = []
    for _ in range(RENAMES):
        begin = time.perf_counter()
        await client.request("textDocument/rename", {"textDocument": {"uri": uri},
                                                     "position": RENAME_AT, "newName": "Loop"})
        renames.append(time.perf_counter() - begin)
    os.killpg(process.pid, signal.SIGKILL)  # the wrapper and its node
    await process.wait()
    client.reader.cancel()
    return first, renames


# ---- through Pairpad --------------------------------------------------------------------------


async def pairpad_run(ws: Path, data: Path) -> tuple[float, list[float], int]:
    with server(ws, data) as running:
        sio = socketio.AsyncClient(reconnection=False)
        first_seen: asyncio.Future[float] = asyncio.get_running_loop().create_future()

        async def diagnostics(payload: dict[str, Any]) -> None:
            if payload["path"] == FILE and payload["server"] == "basedpyright" \
                    and not first_seen.done():
                first_seen.set_result(time.perf_counter())

        sio.on("lsp:diagnostics", diagnostics)
        await sio.connect(running.base_url, auth={"token": running.token},
                          transports=["websocket"], wait_timeout=10)
        started = time.perf_counter()
        await sio.call("lsp:open", {"path": FILE, "language": "python",
                                    "text": (ws / FILE).read_text(), "version": 1}, timeout=60)
        first = await asyncio.wait_for(first_seen, 120) - started
        renames, edits = [], 0
        for _ in range(RENAMES):
            begin = time.perf_counter()
            answer = await sio.call("lsp:request", {"path": FILE, "method": "textDocument/rename",
                                                    "params": {"position": RENAME_AT,
                                                               "newName": "Loop"}}, timeout=120)
            renames.append(time.perf_counter() - begin)
            edits = sum(len(e) for e in answer["result"]["changes"].values())
        await sio.disconnect()
    return first, renames, edits


async def main(runs: int) -> None:
    print(f"Machine: {machine()}")
    print(f"Project: the standard library's asyncio ({FILE}), {runs} runs, "
          f"{RENAMES} renames each")
    bare_first, bare_rename, ours_first, ours_rename = [], [], [], []
    edits = 0
    for run in range(runs):
        with tempfile.TemporaryDirectory() as tmp:
            ws = workspace(Path(tmp))
            first, renames = await bare_run(ws)
            bare_first.append(first)
            bare_rename += renames
        with tempfile.TemporaryDirectory() as tmp:
            ws = workspace(Path(tmp))
            first, renames, edits = await pairpad_run(ws, Path(tmp) / "data")
            ours_first.append(first)
            ours_rename += renames
        print(f"  run {run + 1}: first diagnostics bare {bare_first[-1]:.2f}s, "
              f"Pairpad {ours_first[-1]:.2f}s")
    med = statistics.median
    print(f"Rename of BaseEventLoop: {edits} edits across files")
    print(f"{'':32}{'bare basedpyright':>20}{'through Pairpad':>18}{'ratio':>8}")
    print(f"{'open -> first diagnostics (s)':32}{med(bare_first):20.2f}{med(ours_first):18.2f}"
          f"{med(ours_first) / med(bare_first):8.2f}")
    print(f"{'rename, warm (ms)':32}{med(bare_rename) * 1000:20.1f}"
          f"{med(ours_rename) * 1000:18.1f}{med(ours_rename) / med(bare_rename):8.2f}")


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 3))
