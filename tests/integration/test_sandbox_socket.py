"""Streamed sandboxed runs over a real Socket.IO connection to a real `pairpad open`.

Checked: `run:start` ack and the batched `run:output` then `run:exit`, that only the socket
that started a run receives its events, `run:cancel` (only by its owner) killing the whole
group, a disconnect killing the socket's runs, error acks, and the Pairpad server itself
being unreachable from inside the sandbox.
"""

from __future__ import annotations

import asyncio
import re
import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.integration.test_sandbox_escapes import alive_with
from tests.support.server import RunningServer, start_server
from tests.support.socket_client import RecordingClient


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    root = tmp_path_factory.mktemp("sandbox-socket")
    (root / "ws").mkdir()
    (root / "ws" / "hello.txt").write_text("hello from the workspace\n")
    running = start_server(root / "ws", root / "data",
                           env={"OPENAI_API_KEY": "sk-zebracorn", "PAIRPAD_TOKEN_HINT": "x"})
    yield running
    running.stop()


class Client(RecordingClient):
    recorded = ("run:output", "run:exit")

    def output(self, run_id: str, stream: str = "stdout") -> str:
        return "".join(d["data"] for n, d in self.events
                       if n == "run:output" and d["run_id"] == run_id and d["stream"] == stream)

    def of(self, run_id: str) -> list[tuple[str, dict[str, Any]]]:
        return [(n, d) for n, d in self.events if d["run_id"] == run_id]

    async def exit_of(self, run_id: str, timeout: float = 30) -> dict[str, Any]:
        return (await self.first(("run:exit",), "run_id", run_id, timeout))[1]


@pytest.fixture
async def client(server: RunningServer) -> AsyncIterator[Client]:
    client = await Client().connect(server)
    yield client
    if client.sio.connected:
        await client.sio.disconnect()


async def test_a_run_streams_its_output_then_its_exit(client: Client, server: RunningServer
                                                      ) -> None:
    ack = await client.call("run:start", {"argv": [
        "sh", "-c", "cat hello.txt; echo warn >&2; seq 1 20000; exit 4"]})
    assert set(ack) == {"run_id"}, ack
    run_id = ack["run_id"]
    done = await client.exit_of(run_id)
    assert done["exit_code"] == 4 and done["signal"] is None and done["error"] is None
    assert done["timed_out"] is False and done["cancelled"] is False
    assert done["sandbox"] == "bubblewrap"
    stdout = client.output(run_id)
    assert stdout.startswith("hello from the workspace\n1\n2\n")
    assert stdout.endswith("\n19999\n20000\n")
    assert client.output(run_id, "stderr") == "warn\n"
    outputs = [d for n, d in client.of(run_id) if n == "run:output"]
    assert len(outputs) < 40, len(outputs)  # batched: ~110 KB in a few events, not per line
    assert client.of(run_id)[-1][0] == "run:exit"  # the exit comes after all the output


async def test_events_reach_only_the_socket_that_started_the_run(
    client: Client, server: RunningServer
) -> None:
    other = await Client().connect(server)
    try:
        ack = await client.call("run:start", {"argv": ["echo", "mine"]})
        await client.exit_of(ack["run_id"])
        await asyncio.sleep(0.3)
        assert client.output(ack["run_id"]) == "mine\n"
        assert other.events == []
    finally:
        await other.sio.disconnect()


async def test_cancel_kills_the_group_and_only_its_owner_may(
    client: Client, server: RunningServer
) -> None:
    marker = str(88_000 + uuid.uuid4().int % 1000)
    ack = await client.call("run:start", {"argv": [
        "sh", "-c", f"sleep {marker} & echo started; wait"], "timeout_s": 120})
    run_id = ack["run_id"]
    async with asyncio.timeout(20):
        while "started" not in client.output(run_id):
            await asyncio.sleep(0.05)
    other = await Client().connect(server)
    try:
        assert await other.call("run:cancel", {"run_id": run_id}) == {"ok": False}
    finally:
        await other.sio.disconnect()
    assert await client.call("run:cancel", {"run_id": run_id}) == {"ok": True}
    done = await client.exit_of(run_id)
    assert done["cancelled"] is True and done["signal"] == "SIGKILL"
    assert alive_with(f"sleep {marker}") == []
    assert await client.call("run:cancel", {"run_id": run_id}) == {"ok": False}


async def test_a_disconnect_kills_the_sockets_runs(server: RunningServer) -> None:
    marker = str(89_000 + uuid.uuid4().int % 1000)
    leaving = await Client().connect(server)
    ack = await leaving.call("run:start", {"argv": ["sleep", marker], "timeout_s": 120})
    assert "run_id" in ack
    async with asyncio.timeout(20):
        while not alive_with(f"sleep {marker}"):
            await asyncio.sleep(0.05)
    await leaving.sio.disconnect()
    async with asyncio.timeout(20):
        while alive_with(f"sleep {marker}"):
            await asyncio.sleep(0.1)


@pytest.mark.parametrize(("data", "status", "message"), [
    ({"argv": []}, 422, "non-empty list"),
    ({"argv": ["ls", 1]}, 422, r"argv\[1\] is int"),
    ({"argv": ["true"], "timeout_s": 0}, 422, "timeout_s must be > 0"),
    ({"argv": ["true"], "timeout_s": 999999}, 422, "runtime.max_timeout_s"),
    ({"argv": ["true"], "network": True}, 403, "runtime.network"),
    ("ls", 422, "run:start needs"),
])
async def test_bad_starts_are_error_acks(client: Client, data: Any, status: int,
                                         message: str) -> None:
    ack = await client.call("run:start", data)
    assert ack["status"] == status and re.search(message, ack["error"]), ack


async def test_the_pairpad_server_is_unreachable_from_inside(
    client: Client, server: RunningServer
) -> None:
    port = urlsplit(server.base_url).port
    ack = await client.call("run:start", {"argv": [
        "python3", "-c", "import socket, os; "
        f"socket.create_connection(('127.0.0.1', {port}), timeout=3); print('reached')"]})
    done = await client.exit_of(ack["run_id"])
    assert done["exit_code"] != 0 and "reached" not in client.output(ack["run_id"])
    env = await client.call("run:start", {"argv": ["env"]})
    await client.exit_of(env["run_id"])
    assert "zebracorn" not in client.output(env["run_id"])
    assert "PATH=" in client.output(env["run_id"])
