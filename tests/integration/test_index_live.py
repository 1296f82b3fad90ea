"""The real server (CLI subprocess) keeps the index current as files change on disk, and
pushes `index:progress` to Socket.IO clients."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import socketio

from tests.support.server import RunningServer, start_server

FIXTURE_REPO = Path(__file__).parents[1] / "fixtures" / "context_repo"
WAIT = 15.0  # generous ceiling for a loaded CI machine; the contract (~1 s) is not asserted


@pytest.fixture
def server(tmp_path: Path, data_dir: Path) -> Iterator[RunningServer]:
    root = tmp_path / "repo"
    shutil.copytree(FIXTURE_REPO, root)
    running = start_server(root, data_dir)
    yield running
    running.stop()


async def _poll(http: httpx.AsyncClient, url: str, params: dict[str, str], check: Any) -> Any:
    async with asyncio.timeout(WAIT):
        while True:
            body = (await http.get(url, params=params)).json()
            if check(body):
                return body
            await asyncio.sleep(0.1)


async def test_index_follows_the_disk(server: RunningServer, tmp_path: Path) -> None:
    root = tmp_path / "repo"
    async with httpx.AsyncClient(base_url=server.base_url, headers=server.auth_headers) as http:
        await _poll(http, "/api/index/status", {}, lambda b: b["state"] == "ready")
        definition = "/api/symbols/definition"
        (root / "kvstore" / "audit.py").write_text("def audit_trail_entry():\n    pass\n")
        await _poll(http, definition, {"name": "audit_trail_entry"},
                    lambda b: [r["path"] for r in b["results"]] == ["kvstore/audit.py"])

        (root / "kvstore" / "audit.py").rename(root / "kvstore" / "journal.py")
        await _poll(http, definition, {"name": "audit_trail_entry"},
                    lambda b: [r["path"] for r in b["results"]] == ["kvstore/journal.py"])

        (root / "kvstore" / "journal.py").unlink()
        await _poll(http, definition, {"name": "audit_trail_entry"},
                    lambda b: b["results"] == [])

        search = "/api/context/search"
        (root / "native" / "hash.go").write_text(
            (root / "native" / "hash.go").read_text() + "\n// consistent hashing with vnodes\n")
        await _poll(http, search, {"q": "vnodes"},
                    lambda b: [r["path"] for r in b["results"]][:1] == ["native/hash.go"])


async def test_rebuild_pushes_progress(server: RunningServer) -> None:
    events: list[dict[str, Any]] = []
    done = asyncio.Event()

    async def on_progress(data: dict[str, Any]) -> None:
        events.append(data)
        if data["state"] == "ready":
            done.set()

    client = socketio.AsyncClient(reconnection=False)
    client.on("index:progress", on_progress)
    await client.connect(server.base_url, auth={"token": server.token},
                         transports=["websocket"], wait_timeout=10)
    try:
        async with httpx.AsyncClient(base_url=server.base_url,
                                     headers=server.auth_headers) as http:
            await _poll(http, "/api/index/status", {}, lambda b: b["state"] == "ready")
            done.clear()
            events.clear()
            assert (await http.post("/api/index/rebuild")).status_code == 202
            async with asyncio.timeout(WAIT):
                await done.wait()
    finally:
        await client.disconnect()
    assert events[0]["state"] == "building"
    assert events[-1] == {"indexed": 15, "total": 15, "state": "ready"}
