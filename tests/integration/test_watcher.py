"""The real server pushes `fs:changed` to Socket.IO clients when other programs touch files."""

from __future__ import annotations

import asyncio
import os
import signal
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import socketio

from tests.support.server import RunningServer, start_server

WAIT = 10.0  # generous ceiling for a loaded CI machine; the contract is ~1 s, not asserted


@pytest.fixture
def server(workspace: Path, data_dir: Path) -> Iterator[RunningServer]:
    (workspace / "existing.txt").write_text("old\n")
    (workspace / ".git").mkdir()
    running = start_server(workspace, data_dir)
    yield running
    running.stop()


class Changes:
    """Every fs:changed message a connected client received."""

    def __init__(self) -> None:
        self.messages: list[list[dict[str, str]]] = []  # type, path, actor
        self._arrived = asyncio.Event()

    async def on_message(self, data: dict[str, Any]) -> None:
        self.messages.append(data["changes"])
        self._arrived.set()

    def seen(self) -> set[tuple[str, str]]:
        return {(c["type"], c["path"]) for message in self.messages for c in message}

    def paths(self) -> set[str]:
        return {path for _, path in self.seen()}

    async def wait_for(self, predicate: Any) -> None:
        async with asyncio.timeout(WAIT):
            while not predicate(self):
                self._arrived.clear()
                await self._arrived.wait()


@pytest.fixture
async def changes(server: RunningServer) -> AsyncIterator[Changes]:
    received = Changes()
    client = socketio.AsyncClient(reconnection=False)
    client.on("fs:changed", received.on_message)
    await client.connect(
        server.base_url, auth={"token": server.token}, transports=["websocket"], wait_timeout=10
    )
    await asyncio.sleep(0.3)  # let the watcher settle after start-up
    try:
        yield received
    finally:
        await client.disconnect()


async def test_external_create_modify_delete_reach_the_client(
    changes: Changes, workspace: Path
) -> None:
    (workspace / "new.py").write_text("x = 1\n")
    await changes.wait_for(lambda c: "new.py" in c.paths())
    assert ("added", "new.py") in changes.seen()

    (workspace / "existing.txt").write_text("changed\n")
    await changes.wait_for(lambda c: ("modified", "existing.txt") in c.seen())

    (workspace / "new.py").unlink()
    await changes.wait_for(lambda c: ("deleted", "new.py") in c.seen())

    (workspace / "sub" / "deep").mkdir(parents=True)
    (workspace / "sub" / "deep" / "f.md").write_text("# hi\n")
    await changes.wait_for(lambda c: "sub/deep/f.md" in c.paths())


async def test_a_burst_of_writes_arrives_batched(changes: Changes, workspace: Path) -> None:
    names = [f"burst-{index:02}.txt" for index in range(30)]
    for name in names:
        (workspace / name).write_text(name)
    await changes.wait_for(lambda c: set(names) <= c.paths())
    burst_messages = [m for m in changes.messages if any(c["path"] in names for c in m)]
    assert len(burst_messages) < len(names)
    assert max(len(m) for m in burst_messages) > 1


async def test_git_internals_and_temp_files_are_not_reported(
    changes: Changes, workspace: Path, server: RunningServer
) -> None:
    (workspace / ".git" / "index").write_bytes(b"DIRC")
    (workspace / ".git" / "refs").mkdir()
    async with httpx.AsyncClient(base_url=server.base_url, headers=server.auth_headers) as http:
        read = (await http.get("/api/files/content", params={"path": "existing.txt"})).json()
        saved = await http.put(
            "/api/files/content",
            params={"path": "existing.txt"},
            json={"content": "saved through the API\n", "etag": read["etag"]},
        )
        assert saved.status_code == 200
    # An atomic save replaces the file by rename, which the OS reports as "added".
    await changes.wait_for(lambda c: "existing.txt" in c.paths())
    (workspace / "marker.txt").write_text("last\n")
    await changes.wait_for(lambda c: "marker.txt" in c.paths())
    assert not any(path.startswith(".git") for path in changes.paths())
    assert not any(".pairpad-tmp-" in path for path in changes.paths())


async def test_a_save_through_pairpad_is_reported_once_as_the_users(
    changes: Changes, workspace: Path, server: RunningServer
) -> None:
    """The file service publishes its change with the actor; the watcher, seeing the same
    change from the OS, does not report it again as `external`."""
    async with httpx.AsyncClient(base_url=server.base_url, headers=server.auth_headers) as http:
        read = (await http.get("/api/files/content", params={"path": "existing.txt"})).json()
        saved = await http.put("/api/files/content", params={"path": "existing.txt"},
                               json={"content": "mine\n", "etag": read["etag"]})
        assert saved.status_code == 200
        made = await http.post("/api/files/dir", json={"path": "made/here"})
        assert made.status_code == 201
    # Batches arrive in order: once a later external write is reported, the OS events of
    # the save and the mkdir have been through the watcher too.
    (workspace / "after.txt").write_text("theirs\n")
    await changes.wait_for(lambda c: "after.txt" in c.paths())
    reported = [(c["path"], c["actor"]) for message in changes.messages for c in message]
    assert [entry for entry in reported if entry[0] == "existing.txt"] == [
        ("existing.txt", "user")]
    assert [entry for entry in reported if entry[0].startswith("made")] == [
        ("made", "user"), ("made/here", "user")]
    assert ("after.txt", "external") in reported


async def test_finding_2_an_undecodable_file_name_does_not_end_live_updates(
    changes: Changes, workspace: Path, server: RunningServer
) -> None:
    """`touch $'bad\\xe9.txt'` made watchfiles raise and the watcher stop for good."""
    with open(os.path.join(os.fsencode(workspace), b"bad\xe9.txt"), "wb"):
        pass
    probe = 0
    async with asyncio.timeout(WAIT):  # before: no fs:changed ever again
        while not any(path.startswith("probe-") for path in changes.paths()):
            (workspace / f"probe-{probe}.txt").write_text("x")  # until the restart listens
            probe += 1
            await asyncio.sleep(0.3)
    async with httpx.AsyncClient(base_url=server.base_url, headers=server.auth_headers) as http:
        watcher = (await http.get("/api/workspace")).json()["watcher"]
        assert watcher["state"] == "running" and watcher["restarts"] >= 1
        assert "decode" in watcher["last_error"]
        tree = await http.get("/api/files/tree")
        assert tree.status_code == 200
        names = {entry["name"] for entry in tree.json()["entries"]}
        assert "existing.txt" in names and not any(n.startswith("bad") for n in names)
        found = (await http.get("/api/search/files", params={"q": "probe"})).json()["results"]
        assert found and all(r["path"].startswith("probe-") for r in found)


async def test_server_with_a_watcher_stops_cleanly(
    changes: Changes, workspace: Path, server: RunningServer
) -> None:
    (workspace / "before-stop.txt").write_text("x")
    await changes.wait_for(lambda c: "before-stop.txt" in c.paths())
    assert server.stop(signal.SIGINT, timeout=20) == 0
    output = "".join(server.output)
    for problem in ("Traceback", "Task was destroyed", "never awaited", "file watcher stopped"):
        assert problem not in output
