"""The integrated terminal over a real Socket.IO connection to a real `pairpad open`.

Checked: a real PTY running the user's shell in the workspace (echo read back, `stty size`
after a resize, TERM and Pairpad's token in its env), reattach after a disconnect with the
scroll-back, a `yes` flood that the server holds back while the client does not
acknowledge (bounded memory, another terminal still answering) and that completes once it
does, `term:close`, the grace period killing an abandoned shell, error acks, and that a
cross-origin socket is refused before it could open one.
"""

from __future__ import annotations

import asyncio
import os
import re
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
import socketio

from pairpad.runtime.terminals import HIGH_WATER, READ_BYTES
from tests.support.server import RunningServer, start_server
from tests.support.socket_client import RecordingClient

TOKEN = "tok-" + uuid.uuid4().hex
GRACE_S = 3.0


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    root = tmp_path_factory.mktemp("terminal-socket")
    (root / "ws").mkdir()
    running = start_server(root / "ws", root / "data", env={
        "PAIRPAD_TOKEN": TOKEN, "PAIRPAD_TERMINAL__GRACE_S": str(GRACE_S),
        "SHELL": "/bin/bash", "OPENAI_API_KEY": "sk-the-users-own"})
    yield running
    running.stop()


class Client(RecordingClient):
    """Keeps each terminal's output (or only its size and tail, for floods) and acks what
    it received when `acking`."""

    recorded = ("term:exit",)

    def __init__(self, *, acking: bool = True, keep: bool = True) -> None:
        super().__init__()
        self.acking = acking
        self.keep = keep
        self.chunks: dict[str, list[str]] = {}
        self.received: dict[str, int] = {}
        self.ends: dict[str, int] = {}
        self.tails: dict[str, str] = {}
        self.sio.on("term:output", self._output)

    async def _output(self, data: dict[str, Any]) -> None:
        term_id, text = data["term_id"], data["data"]
        assert data["offset"] == self.ends.get(term_id, data["offset"]), "a gap or overlap"
        self.ends[term_id] = data["offset"] + len(text)
        self.received[term_id] = self.received.get(term_id, 0) + len(text)
        self.tails[term_id] = (self.tails.get(term_id, "") + text)[-4096:]
        if self.keep:
            self.chunks.setdefault(term_id, []).append(text)
        if self.acking:
            await self.sio.emit("term:ack", {"term_id": term_id, "offset": self.ends[term_id]})

    def text(self, term_id: str) -> str:
        return "".join(self.chunks.get(term_id, []))

    async def wait_for(self, term_id: str, needle: str, timeout: float = 20) -> None:
        try:
            async with asyncio.timeout(timeout):
                while needle not in self.tails.get(term_id, ""):
                    await asyncio.sleep(0.02)
        except TimeoutError:
            raise AssertionError(f"{needle!r} not in the output's tail: "
                                 f"{self.tails.get(term_id, '')!r}") from None

    async def settled(self, term_id: str, quiet_s: float = 0.5) -> int:
        """The output's end once nothing came for `quiet_s` (the prompt was drawn)."""
        while True:
            end = self.ends.get(term_id, 0)
            await asyncio.sleep(quiet_s)
            if self.ends.get(term_id, 0) == end:
                return end

    async def shell_pid(self, term_id: str) -> int:
        await self.type(term_id, "echo PID=$$")
        await self.wait_for(term_id, "\rPID=")
        async with asyncio.timeout(10):
            while not (found := re.search(r"\rPID=(\d+)\r\n", self.text(term_id))):
                await asyncio.sleep(0.02)
        return int(found.group(1))

    async def open(self, cols: int = 80, rows: int = 24) -> str:
        ack = await self.call("term:open", {"cols": cols, "rows": rows})
        assert "error" not in ack, ack
        return str(ack["term_id"])

    async def type(self, term_id: str, line: str) -> None:
        assert await self.call("term:input", {"term_id": term_id, "data": line + "\r"}) == {
            "ok": True}


@pytest.fixture
async def client(server: RunningServer) -> AsyncIterator[Client]:
    client = await Client().connect(server)
    yield client
    if client.sio.connected:
        await client.sio.disconnect()


async def test_a_terminal_runs_the_shell_in_the_workspace(client: Client,
                                                         server: RunningServer) -> None:
    ack = await client.call("term:open", {"cols": 100, "rows": 30})
    assert set(ack) == {"term_id", "title", "shell", "cwd", "cols", "rows"}, ack
    assert (ack["title"], ack["shell"], ack["cols"], ack["rows"]) == ("bash", "/bin/bash",
                                                                        100, 30)
    term_id = ack["term_id"]
    await client.type(term_id, "echo $((6*7)); pwd")
    await client.wait_for(term_id, "\r42\r\n")
    await client.wait_for(term_id, f"\r\n{ack['cwd']}\r\n")
    assert Path(ack["cwd"]).name == "ws"
    assert len(client.chunks[term_id]) < 20  # batched, not an event per byte


async def test_resize_reaches_the_pty(client: Client) -> None:
    term_id = await client.open()
    assert await client.call("term:resize", {"term_id": term_id, "cols": 123, "rows": 45}) == {
        "ok": True}
    await client.type(term_id, "stty size")
    await client.wait_for(term_id, "\r45 123\r\n")


async def test_the_shell_gets_a_terminal_env_without_pairpads_token(client: Client) -> None:
    term_id = await client.open()
    await client.type(term_id, "env; echo ENV-$((2+3))-END")
    await client.wait_for(term_id, "ENV-5-END")
    lines = set(re.split(r"[\r\n]+", client.text(term_id)))
    assert {"TERM=xterm-256color", "COLORTERM=truecolor", "TERM_PROGRAM=Pairpad",
            "OPENAI_API_KEY=sk-the-users-own"} <= lines
    assert TOKEN not in client.text(term_id)
    assert not [line for line in lines if line.startswith("PAIRPAD_")]


async def test_non_ascii_input_and_output_round_trip(client: Client) -> None:
    term_id = await client.open()
    await client.type(term_id, "echo ü€🙂-$((1+1))")
    await client.wait_for(term_id, "\rü€🙂-2\r\n")
    assert "\ufffd" not in client.text(term_id)


async def test_reattach_after_disconnect_gets_the_scrollback(server: RunningServer) -> None:
    first = await Client().connect(server)
    term_id = await first.open()
    await first.type(term_id, "echo before-$((1+1))")
    await first.wait_for(term_id, "before-2\r\n")
    await first.close()

    second = await Client().connect(server)
    try:
        listed = await second.call("term:list", {})
        assert {"term_id": term_id, "title": "bash", "cols": 80, "rows": 24,
                "exited": False} in listed["terminals"]
        ack = await second.call("term:open", {"term_id": term_id})
        assert "before-2\r\n" in ack["scrollback"]
        assert ack["offset"] >= len(first.text(term_id)) and ack["exited"] is False
        await second.type(term_id, "echo after-$((2+2))")
        await second.wait_for(term_id, "after-4\r\n")
        assert "before-2" not in second.text(term_id)  # only what came after the scroll-back
        # Its first event starts where the scroll-back ended.
        assert second.ends[term_id] - second.received[term_id] == ack["offset"]
        # A client that has output up to an offset gets only what came after it.
        have = await second.settled(term_id)
        again = await second.call("term:open", {"term_id": term_id, "offset": have - 10})
        assert again["scrollback"] == second.text(term_id)[-10:] and again["offset"] == have
    finally:
        await second.close()


def _rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


async def test_a_flood_is_held_back_until_the_client_acknowledges(server: RunningServer
                                                                  ) -> None:
    flooded = await Client(acking=False, keep=False).connect(server)
    other = await Client().connect(server)
    try:
        term_id = await flooded.open()
        rss_before = _rss_kib(server.process.pid)
        await flooded.type(term_id, "yes | head -c 20M; echo FLOOD-$((1+1))-DONE")
        await asyncio.sleep(3)
        # Nothing acknowledged: the server stopped reading at its high watermark instead of
        # buffering 30 M characters ("y\r\n") for the socket.
        held = flooded.received.get(term_id, 0)
        assert HIGH_WATER < held <= HIGH_WATER + READ_BYTES, held
        assert _rss_kib(server.process.pid) - rss_before < 40 * 1024

        started = time.monotonic()
        second = await other.open()
        await other.type(second, "echo alive-$((3*3))")
        await other.wait_for(second, "alive-9\r\n", timeout=5)
        assert time.monotonic() - started < 2.5

        flooded.acking = True
        await flooded.sio.emit("term:ack", {"term_id": term_id, "offset": flooded.ends[term_id]})
        await flooded.wait_for(term_id, "FLOOD-2-DONE", timeout=180)
        assert flooded.received[term_id] >= 20 * 1024 * 1024 * 3 // 2
        assert _rss_kib(server.process.pid) - rss_before < 60 * 1024
    finally:
        await flooded.close()
        await other.close()


async def test_close_kills_the_shell_and_reports_its_exit(client: Client) -> None:
    term_id = await client.open()
    pid = await client.shell_pid(term_id)
    assert Path(f"/proc/{pid}").exists()
    assert await client.call("term:close", {"term_id": term_id}) == {"ok": True}
    _, exit_event = await client.first(("term:exit",), "term_id", term_id, timeout=10)
    assert exit_event["reason"] == "closed"
    assert exit_event["signal"] == "SIGHUP" or exit_event["exit_code"] is not None
    assert not Path(f"/proc/{pid}").exists()
    assert (await client.call("term:input", {"term_id": term_id, "data": "x"}))["status"] == 404


async def test_a_shell_that_exits_reports_its_code_and_stays_listed(client: Client) -> None:
    term_id = await client.open()
    await client.type(term_id, "echo bye; exit 7")
    _, exit_event = await client.first(("term:exit",), "term_id", term_id, timeout=10)
    assert (exit_event["exit_code"], exit_event["signal"], exit_event["reason"]) == (7, None,
                                                                                     None)
    assert "\rbye\r\n" in client.text(term_id)
    ack = await client.call("term:open", {"term_id": term_id})
    assert (ack["exited"], ack["exit_code"]) == (True, 7) and "bye" in ack["scrollback"]
    assert (await client.call("term:input", {"term_id": term_id, "data": "x"}))["status"] == 409
    assert await client.call("term:close", {"term_id": term_id}) == {"ok": True}
    listed = await client.call("term:list", {})
    assert term_id not in [t["term_id"] for t in listed["terminals"]]


async def test_an_abandoned_terminal_is_killed_after_the_grace_period(
    server: RunningServer,
) -> None:
    holder = await Client().connect(server)
    term_id = await holder.open()
    pid = await holder.shell_pid(term_id)
    await holder.close()
    await asyncio.sleep(GRACE_S / 3)
    assert Path(f"/proc/{pid}").exists()  # still within the grace period
    watcher = await Client().connect(server)
    try:
        async with asyncio.timeout(GRACE_S + 10):
            while Path(f"/proc/{pid}").exists():
                await asyncio.sleep(0.1)
            while term_id in [t["term_id"] for t in
                              (await watcher.call("term:list", {}))["terminals"]]:
                await asyncio.sleep(0.1)  # reaped, then its exit published, then forgotten
        ack = await watcher.call("term:open", {"term_id": term_id})
        assert ack["status"] == 404 and "open a new one" in ack["error"]
    finally:
        await watcher.close()
    assert any("terminal ended" in line and "abandoned" in line for line in server.output)


async def test_bad_requests_get_clear_acks(client: Client) -> None:
    term_id = await client.open()
    unknown = await client.call("term:input", {"term_id": "nope", "data": "ls\r"})
    assert unknown["status"] == 404 and "No terminal 'nope'" in unknown["error"]
    for cols, rows in ((0, 24), (80, 1001), ("80", 24)):
        bad = await client.call("term:resize", {"term_id": term_id, "cols": cols, "rows": rows})
        assert bad["status"] == 422, bad
    huge = await client.call("term:input", {"term_id": term_id, "data": "x" * 70_000})
    assert huge["status"] == 413 and "at most 65536" in huge["error"]
    assert (await client.call("term:input", {"term_id": term_id, "data": 5}))["status"] == 422
    assert (await client.call("term:open", {"cols": 0, "rows": 24}))["status"] == 422
    assert (await client.call("term:open", "bash"))["status"] == 422
    assert (await client.call("term:ack", {"term_id": term_id}))["status"] == 422
    assert await client.call("term:close", {"term_id": term_id}) == {"ok": True}


async def test_a_cross_origin_socket_cannot_reach_a_terminal(server: RunningServer) -> None:
    foreign = socketio.AsyncClient(reconnection=False)
    with pytest.raises(socketio.exceptions.ConnectionError):
        try:
            await foreign.connect(server.base_url, auth={"token": server.token},
                                  headers={"Origin": "http://evil.example"},
                                  transports=["websocket"], wait_timeout=10)
        finally:
            await foreign.eio._reset()  # a refused handshake leaves its HTTP session open
    assert not foreign.connected
    same = socketio.AsyncClient(reconnection=False)
    await same.connect(server.base_url, auth={"token": server.token},
                       headers={"Origin": server.base_url}, transports=["websocket"],
                       wait_timeout=10)
    try:
        ack = await same.call("term:list", {}, timeout=10)
        assert "terminals" in ack
    finally:
        await same.disconnect()


def test_the_server_process_is_the_one_measured(server: RunningServer) -> None:
    # The flood test reads the server's RSS from /proc/<pid>: the process must be the server.
    cmdline = Path(f"/proc/{server.process.pid}/cmdline").read_bytes().split(b"\0")
    assert b"pairpad" in cmdline and os.getpid() != server.process.pid


async def test_stopping_the_server_kills_its_terminals(tmp_path: Path) -> None:
    (tmp_path / "ws").mkdir()
    own = start_server(tmp_path / "ws", tmp_path / "data", env={"SHELL": "/bin/bash"})
    try:
        client = await Client().connect(own)
        term_id = await client.open()
        pid = await client.shell_pid(term_id)
        await client.close()
    finally:
        code = await asyncio.to_thread(own.stop)
    assert code == 0
    assert not Path(f"/proc/{pid}").exists()
    assert any("terminal ended" in line and "server stopping" in line for line in own.output)
