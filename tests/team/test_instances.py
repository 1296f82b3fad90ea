"""Two real `pairpad serve` instances on one PostgreSQL database, one Redis, one workspaces
folder and one data dir behave as one server: events published on one reach the clients of
the other (exactly once), a sign-out on one is refused on the other at once, and Redis
going down answers 503 (and recovers, events across instances included) without restarting
anything."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import socketio

from tests.support.redis_server import RedisServer
from tests.support.team_server import (
    PASSWORD,
    RunningTeamServer,
    register_and_sign_in,
    start_team_server,
)


@dataclass
class Pair:
    a: RunningTeamServer
    b: RunningTeamServer
    redis: RedisServer


@pytest.fixture
def instances(pg_url: str, redis_server: RedisServer, tmp_path: Path) -> Iterator[Pair]:
    """A and B as a deployment runs them: same database, Redis and folders. No --public-url:
    each is reached at its own address, and still both accept the tokens either issued."""
    shared = ("--redis-url", redis_server.url)
    a = start_team_server(pg_url, tmp_path / "workspaces", tmp_path / "data", *shared)
    try:
        b = start_team_server(pg_url, tmp_path / "workspaces", tmp_path / "data", *shared)
    except BaseException:
        a.stop()
        raise
    try:
        yield Pair(a, b, redis_server)
    finally:
        b.stop()
        a.stop()


@dataclass
class Member:
    token: str
    workspace_id: str

    @property
    def namespace(self) -> str:
        return f"/w/{self.workspace_id}"


async def _member_with_workspace(server: RunningTeamServer) -> Member:
    token = await register_and_sign_in(server, f"m-{uuid.uuid4().hex[:8]}@example.com")
    async with server.client(token) as client:
        team = await client.post("/api/teams", json={"name": "T"})
        assert team.status_code in (200, 201), team.text
        workspace = await client.post(f"/api/teams/{team.json()['id']}/workspaces",
                                      json={"name": "app"})
        assert workspace.status_code in (200, 201), workspace.text
    return Member(token, workspace.json()["id"])


class Recorder:
    """A Socket.IO client of one workspace on one instance, recording named events."""

    def __init__(self, names: tuple[str, ...]) -> None:
        self.sio = socketio.AsyncClient(reconnection=False)
        self.events: list[tuple[str, Any]] = []
        self.names = names

    async def connect(self, server: RunningTeamServer, member: Member) -> None:
        for name in self.names:
            self.sio.on(name, self._recorder(name), namespace=member.namespace)
        await self.sio.connect(server.base_url, namespaces=[member.namespace],
                               auth={"token": member.token}, transports=["websocket"],
                               wait_timeout=10)

    def _recorder(self, name: str) -> Any:
        async def record(data: Any) -> None:
            self.events.append((name, data))
        return record

    def naming(self, name: str, text: str) -> list[Any]:
        return [data for event, data in self.events if event == name and text in str(data)]

    async def wait_for(self, name: str, text: str, timeout: float = 15) -> None:
        deadline = time.monotonic() + timeout
        while not self.naming(name, text):
            assert time.monotonic() < deadline, f"no {name} with {text!r}: {self.events}"
            await asyncio.sleep(0.05)


@pytest.fixture
async def recorders() -> AsyncIterator[list[Recorder]]:
    made: list[Recorder] = []
    yield made
    for recorder in made:
        await recorder.sio.disconnect()


async def test_events_of_one_instance_reach_clients_of_the_other_exactly_once(
    instances: Pair, recorders: list[Recorder]
) -> None:
    member = await _member_with_workspace(instances.a)
    on_a = Recorder(("fs:changed", "git:changed"))
    on_b = Recorder(("fs:changed", "git:changed"))
    recorders.extend([on_a, on_b])
    await on_a.connect(instances.a, member)
    await on_b.connect(instances.b, member)  # B now hosts the workspace too (its own watcher)

    # A request to A changes the repository: B's client is told through Redis.
    async with instances.a.client(member.token) as client:
        initialised = await client.post(f"/w/{member.workspace_id}/api/git/init")
        assert initialised.status_code == 200, initialised.text
    await on_b.wait_for("git:changed", "init")
    await on_a.wait_for("git:changed", "init")

    # A file saved through A: each client hears of it once — B's from B's own watcher (the
    # shared folder changed under it), A's from A's file service; none crosses Redis.
    async with instances.a.client(member.token) as client:
        saved = await client.put(f"/w/{member.workspace_id}/api/files/content",
                                 params={"path": "shared.txt"},
                                 json={"content": "one\n", "etag": None})
        assert saved.status_code == 201, saved.text
    await on_b.wait_for("fs:changed", "shared.txt")
    await on_a.wait_for("fs:changed", "shared.txt")
    await asyncio.sleep(2.5)  # longer than a watcher batch: a duplicate would be here by now
    assert len(on_b.naming("fs:changed", "shared.txt")) == 1, on_b.events
    assert len(on_a.naming("fs:changed", "shared.txt")) == 1, on_a.events
    assert len(on_b.naming("git:changed", "init")) == 1, on_b.events


async def test_a_sign_out_on_one_instance_is_refused_on_the_other_at_once(
    instances: Pair
) -> None:
    email = f"s-{uuid.uuid4().hex[:8]}@example.com"
    await register_and_sign_in(instances.a, email)
    async with instances.a.client() as client:
        signed_in = await client.post("/api/auth/login",
                                      json={"email": email, "password": PASSWORD})
        assert signed_in.status_code == 200, signed_in.text
    tokens = signed_in.json()
    async with instances.b.client(tokens["access_token"]) as on_b:
        assert (await on_b.get("/api/auth/me")).status_code == 200
        async with instances.a.client(tokens["access_token"]) as on_a:
            out = await on_a.post("/api/auth/logout",
                                  json={"refresh_token": tokens["refresh_token"]})
            assert out.status_code == 200, out.text
        refused = await on_b.get("/api/auth/me")
        assert refused.status_code == 401, refused.text


async def test_redis_down_answers_503_and_requests_resume_when_it_is_back(
    instances: Pair, recorders: list[Recorder]
) -> None:
    member = await _member_with_workspace(instances.a)
    files = f"/w/{member.workspace_id}/api/files/content"
    on_b = Recorder(("git:changed",))
    recorders.append(on_b)
    await on_b.connect(instances.b, member)
    git = f"/w/{member.workspace_id}/api/git"
    async with instances.a.client(member.token) as client:
        saved = await client.put(files, params={"path": "kept.txt"},
                                 json={"content": "kept\n", "etag": None})
        assert saved.status_code == 201, saved.text
        assert (await client.post(f"{git}/init")).status_code == 200
        await on_b.wait_for("git:changed", "init")

        instances.redis.stop()
        started = time.monotonic()
        down = await client.get("/api/auth/me")
        assert time.monotonic() - started < 8, "a dead Redis must fail fast, not hang"
        assert down.status_code == 503, down.text
        detail = down.json()["detail"]
        assert detail.startswith(f"Redis at {instances.redis.url} is unreachable"), detail
        assert "requests resume once it answers" in detail
        assert down.headers["retry-after"] == "5"
        assert (await client.get(files, params={"path": "kept.txt"})).status_code == 503

        instances.redis.start()
        deadline = time.monotonic() + 10
        while (answer := await client.get(files, params={"path": "kept.txt"})
               ).status_code != 200:
            assert answer.status_code == 503, answer.text
            assert time.monotonic() < deadline, "requests did not resume with Redis back"
            await asyncio.sleep(0.25)
        assert answer.json()["content"] == "kept\n"
        # The fan-out is back too: B subscribes to the channel again by itself (an event
        # published before it has is lost, so A's event is repeated until one arrives).
        deadline = time.monotonic() + 10
        while not on_b.naming("git:changed", "stage"):
            assert time.monotonic() < deadline, f"B never heard from A again: {on_b.events}"
            staged = await client.post(f"{git}/stage", json={"paths": ["kept.txt"]})
            assert staged.status_code == 200, staged.text
            await asyncio.sleep(0.5)
    written = list(instances.a.workspaces.glob("*/kept.txt"))
    assert [path.read_text() for path in written] == ["kept\n"]
