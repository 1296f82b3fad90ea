"""`task:run` over a real Socket.IO connection to a real `pairpad open` on the problems
fixture: the run streams `run:output` then `run:exit` to the socket that started it, then
`problems:changed` reaches every client; refusals come back as error acks."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest

from tests.api.test_tasks import project
from tests.support.server import RunningServer, start_server
from tests.support.socket_client import RecordingClient
from tests.support.toolchain import READONLY_PATHS_ENV


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    root = tmp_path_factory.mktemp("tasks-socket")
    workspace = project(root / "ws")
    (workspace / ".pairpad").mkdir()
    (workspace / ".pairpad" / "config.toml").write_text(
        '[commands]\nhello = ["sh", "-c", "echo hello"]\n')
    running = start_server(workspace, root / "data", env=READONLY_PATHS_ENV)
    yield running
    running.stop()


class Client(RecordingClient):
    recorded = ("run:output", "run:exit", "problems:changed")

    def names(self, run_id: str) -> list[str]:
        return [n for n, d in self.events if d.get("run_id") == run_id or (
            n == "problems:changed")]


@pytest.fixture
async def client(server: RunningServer) -> AsyncIterator[Client]:
    client = await Client().connect(server)
    yield client
    if client.sio.connected:
        await client.sio.disconnect()


async def test_a_task_streams_then_publishes_its_problems(client: Client,
                                                          server: RunningServer) -> None:
    watcher = await Client().connect(server)  # another window: gets the problems, not output
    try:
        ack = await client.call("task:run", {"name": "lint"})
        assert set(ack) == {"run_id", "name", "argv", "sandbox"}, ack
        assert ack["name"] == "lint" and ack["argv"][1] == "check"
        assert ack["sandbox"] == "bubblewrap"
        run_id = ack["run_id"]
        done = (await client.first(("run:exit",), "run_id", run_id))[1]
        assert done["exit_code"] == 1 and done["error"] is None
        changed = (await client.first(("problems:changed",), "source", "task:lint"))[1]
        assert [(p["path"], p["line"], p["severity"], p["tool"], p["code"])
                for p in changed["problems"]] == [("calc/__init__.py", 3, "error", "ruff",
                                                   "F401")]
        names = client.names(run_id)
        assert names[0] == "run:output" and names[-2:] == ["run:exit", "problems:changed"]
        output = "".join(d["data"] for n, d in client.events
                         if n == "run:output" and d["run_id"] == run_id)
        assert "calc/__init__.py:3:8: F401" in output
        seen = (await watcher.first(("problems:changed",), "source", "task:lint"))[1]
        assert seen == changed
        assert not any(n == "run:output" for n, _ in watcher.events)
    finally:
        await watcher.close()
    async with httpx.AsyncClient(base_url=server.base_url, headers={
            "Authorization": f"Bearer {server.token}"}) as http:
        sources = (await http.get("/api/problems")).json()["sources"]
    assert sources["task:lint"] == changed["problems"]


async def test_a_cancelled_task_keeps_the_previous_problems(client: Client) -> None:
    first = await client.call("task:run", {"name": "test"})
    await client.first(("problems:changed",), "source", "task:test", timeout=60)
    count = sum(1 for n, _ in client.events if n == "problems:changed")
    again = await client.call("task:run", {"name": "test"})
    assert (await client.call("run:cancel", {"run_id": again["run_id"]})) == {"ok": True}
    done = (await client.first(("run:exit",), "run_id", again["run_id"], timeout=60))[1]
    assert done["cancelled"] is True
    assert first["run_id"] != again["run_id"]
    assert sum(1 for n, _ in client.events if n == "problems:changed") == count


@pytest.mark.parametrize(("data", "status", "fragment"), [
    ({"name": "hello"}, 428, "approve"),
    ({"name": "nope"}, 404, "No task 'nope'"),
    ({}, 422, "task:run needs {name}"),
    ("lint", 422, "task:run needs {name}"),
])
async def test_refusals_are_error_acks(client: Client, data: Any, status: int,
                                       fragment: str) -> None:
    ack = await client.call("task:run", data)
    assert ack["status"] == status and fragment in ack["error"], ack
    if status == 428:
        assert ack["task"] == {"name": "hello", "argv": ["sh", "-c", "echo hello"],
                               "source": "config", "detail": "from .pairpad/config.toml"}
