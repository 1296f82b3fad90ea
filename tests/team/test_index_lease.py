"""Two real `pairpad serve` instances host one team workspace on the same PostgreSQL, Redis,
--workspaces and --data-dir: its index is built once, by the instance holding the Redis
lease; the other answers from that index; when the holder dies the other takes the jobs
over within the lease's TTL and indexes what changed."""

from __future__ import annotations

import asyncio
import signal
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.redis_server import RedisServer
from tests.support.team_server import (
    RunningTeamServer,
    register_and_sign_in,
    sign_in,
    start_team_server,
)

TTL_S = 3  # index.lease_ttl_seconds of both instances: renewed every second
FILES = {f"pkg/mod_{i}.py": f"def leased_function_{i}(x):\n    return x + {i}\n"
         for i in range(5)}


@pytest.fixture
def instances(pg_url: str, redis_server: RedisServer,
              tmp_path: Path) -> Iterator[list[RunningTeamServer]]:
    env = {"PAIRPAD_INDEX__LEASE_TTL_SECONDS": str(TTL_S)}
    started: list[RunningTeamServer] = []
    try:
        for _ in range(2):  # one after the other: the first migrates the database
            started.append(start_team_server(
                pg_url, tmp_path / "workspaces", tmp_path / "data",
                "--redis-url", redis_server.url, env=env))
        yield started
    finally:
        for server in started:
            server.stop()


def index_jobs(server: RunningTeamServer, workspace_id: str) -> int:
    """The index jobs this instance ran for the workspace (its "index job" log lines name
    the workspace's folder, which is named by the workspace id)."""
    return sum(1 for line in list(server.output)
               if "index job" in line and workspace_id in line)


async def jobs_metric(server: RunningTeamServer) -> float:
    """`pairpad_index_jobs_total{outcome="done"}` of the instance's /metrics (0: none yet)."""
    async with server.client() as client:
        answer = await client.get("/metrics")
    assert answer.status_code == 200, answer.text
    for line in answer.text.splitlines():
        if line.startswith('pairpad_index_jobs_total{outcome="done"}'):
            return float(line.split()[-1])
    return 0.0


async def until(check: Callable[[], Any], timeout: float, what: str) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        result = await check()
        if result:
            return result
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await asyncio.sleep(0.25)


async def test_the_index_is_built_once_and_taken_over_when_the_holder_dies(
    instances: list[RunningTeamServer],
) -> None:
    a, b = instances
    email = f"lease-{uuid.uuid4().hex[:8]}@example.com"
    token_a = await register_and_sign_in(a, email)
    token_b = await sign_in(b, email)
    async with a.client(token_a) as client:
        team = await client.post("/api/teams", json={"name": "Lease"})
        assert team.status_code in (200, 201), team.text
        created = await client.post(f"/api/teams/{team.json()['id']}/workspaces",
                                    json={"name": "indexed"})
        assert created.status_code in (200, 201), created.text
    ws = created.json()["id"]
    folder = a.workspaces / ws
    for path, text in FILES.items():
        (folder / path).parent.mkdir(parents=True, exist_ok=True)
        (folder / path).write_text(text)

    clients = {"a": a.client(token_a), "b": b.client(token_b)}
    try:
        async def status(name: str) -> dict[str, Any]:
            answer = await clients[name].get(f"/w/{ws}/api/index/status")
            assert answer.status_code == 200, answer.text
            body: dict[str, Any] = answer.json()
            return body

        # Both instances host the workspace (its first request builds it there).
        await status("a")
        await status("b")

        async def both_ready() -> dict[str, dict[str, Any]] | None:
            seen = {name: await status(name) for name in ("a", "b")}
            ready = all(s["state"] == "ready" and s["total"] == len(FILES)
                        for s in seen.values())
            return seen if ready else None

        seen = await until(both_ready, 60, "the index to be ready on both instances")
        by = {name: s["indexed_by"] for name, s in seen.items()}
        assert sorted(by.values()) == ["another instance", "this instance"], by
        holder = "a" if by["a"] == "this instance" else "b"
        other = "b" if holder == "a" else "a"
        servers = {"a": a, "b": b}

        # Several lease renewals later: the initial build ran once, on the holder only.
        await asyncio.sleep(TTL_S)
        assert index_jobs(servers[holder], ws) == 1
        assert index_jobs(servers[other], ws) == 0
        assert [await jobs_metric(servers[holder]), await jobs_metric(servers[other])] == [1, 0]
        rebuild = await clients[other].post(f"/w/{ws}/api/index/rebuild")
        assert rebuild.status_code == 202 and rebuild.json() == {"started": False}

        # The other instance answers from the index the holder wrote.
        found = await clients[other].get(f"/w/{ws}/api/symbols/workspace",
                                         params={"q": "leased_function_3"})
        assert found.status_code == 200, found.text
        assert [r["path"] for r in found.json()["results"]] == ["pkg/mod_3.py"]

        # The holder dies without releasing; the lease expires and the other takes over.
        servers[holder].stop(signal.SIGKILL)
        killed = time.monotonic()
        (folder / "pkg" / "late.py").write_text("def written_after_the_crash():\n    pass\n")

        async def taken_over() -> bool:
            s = await status(other)
            return bool(s["indexed_by"] == "this instance" and s["state"] == "ready"
                        and s["total"] == len(FILES) + 1)

        await until(taken_over, TTL_S + 30, "the other instance to take the index over")
        assert index_jobs(servers[other], ws) >= 1
        # Takeover within the TTL plus one retry (a second), with margin for a busy machine.
        assert time.monotonic() - killed < TTL_S + 15
        late = await clients[other].get(f"/w/{ws}/api/symbols/workspace",
                                        params={"q": "written_after_the_crash"})
        assert [r["path"] for r in late.json()["results"]] == ["pkg/late.py"]
    finally:
        for client in clients.values():
            await client.aclose()
