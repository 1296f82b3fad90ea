"""Observability of a real `pairpad serve` with PostgreSQL and Redis: /metrics after traffic
(request series by route template, the Socket.IO gauge up and back down), readiness when
Redis goes down and comes back, liveness, and JSON log lines naming request and user."""

from __future__ import annotations

import asyncio
import json
import re
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator

import pytest
import socketio

from tests.support.postgres import drop_database, fresh_database_url
from tests.support.postgres_fixtures import require_postgres
from tests.support.redis_server import RedisServer, private_redis
from tests.support.team_server import (
    RunningTeamServer,
    register_and_sign_in,
    start_team_server,
)


@pytest.fixture(scope="module")
def redis(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    with private_redis(tmp_path_factory.mktemp("redis")) as server:
        yield server


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, redis: RedisServer
           ) -> Iterator[RunningTeamServer]:
    require_postgres()
    root = tmp_path_factory.mktemp("team")
    url = fresh_database_url()
    running = start_team_server(url, root / "workspaces", root / "data",
                                "--redis-url", redis.url)
    try:
        yield running
    finally:
        running.stop()
        drop_database(url)


def sample(text: str, name: str, **labels: str) -> float | None:
    """The value of series `name` with exactly `labels` in a Prometheus text scrape."""
    for line in text.splitlines():
        if line.startswith("#") or not line.startswith(name):
            continue
        series, _, value = line.rpartition(" ")
        found_name, _, rest = series.partition("{")
        pairs = dict(re.findall(r'(\w+)="((?:[^"\\]|\\.)*)"', rest))
        if found_name == name and pairs == labels:
            return float(value)
    return None


async def scrape(server: RunningTeamServer) -> str:
    async with server.client() as client:  # from loopback, no token: allowed
        answer = await client.get("/metrics")
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/plain")
    return answer.text


async def workspace_of(server: RunningTeamServer, token: str) -> str:
    async with server.client(token) as client:
        team = await client.post("/api/teams", json={"name": "Observed"})
        assert team.status_code in (200, 201), team.text
        created = await client.post(f"/api/teams/{team.json()['id']}/workspaces",
                                    json={"name": "app"})
        assert created.status_code in (200, 201), created.text
        workspace_id = created.json()["id"]
        assert isinstance(workspace_id, str)
        return workspace_id


async def test_metrics_label_requests_by_route_template_and_count_sockets(
    server: RunningTeamServer,
) -> None:
    token = await register_and_sign_in(server, f"obs-{uuid.uuid4().hex[:8]}@example.com")
    ws = await workspace_of(server, token)
    async with server.client(token) as client:
        assert (await client.get(f"/w/{ws}/api/files/tree")).status_code == 200
        assert (await client.get("/api/teams")).status_code == 200
        assert (await client.get(f"/no/such/{uuid.uuid4().hex}")).status_code == 404
    text = await scrape(server)
    requests = [line for line in text.splitlines() if line.startswith("pairpad_http_requests")]
    # Route templates, never raw ids: a workspace route is /w/{workspace_id} + its template.
    assert sample(text, "pairpad_http_requests_total", method="GET",
                  route="/w/{workspace_id}/api/files/tree", status="200") is not None, requests
    assert sample(text, "pairpad_http_requests_total", method="GET", route="/api/teams",
                  status="200") is not None
    assert ws not in text
    assert sample(text, "pairpad_http_request_duration_seconds_count", method="GET",
                  route="/api/teams") is not None
    # The series other parts increment are exported from the start.
    for name in ("pairpad_rate_limit_rejections_total", "pairpad_index_jobs_total",
                 "pairpad_index_job_duration_seconds", "pairpad_model_request_duration_seconds",
                 "pairpad_model_tokens_total", "pairpad_audit_events_total"):
        assert f"# TYPE {name} " in text, name

    before = sample(text, "pairpad_socketio_connections") or 0.0
    refused = socketio.AsyncClient(reconnection=False)
    with pytest.raises(socketio.exceptions.ConnectionError):
        await refused.connect(server.base_url, namespaces=[f"/w/{ws}"],
                              auth={"token": "forged"}, transports=["websocket"],
                              wait_timeout=10)
    assert sample(await scrape(server), "pairpad_socketio_connections") == before
    client = socketio.AsyncClient(reconnection=False)
    await client.connect(server.base_url, namespaces=[f"/w/{ws}"], auth={"token": token},
                         transports=["websocket"], wait_timeout=10)
    try:
        assert sample(await scrape(server), "pairpad_socketio_connections") == before + 1
    finally:
        await client.disconnect()
    assert await eventually(lambda: sample_now(server), before)


async def sample_now(server: RunningTeamServer) -> float | None:
    return sample(await scrape(server), "pairpad_socketio_connections")


async def eventually(read: Callable[[], Awaitable[float | None]], expected: float,
                     timeout: float = 10) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if await read() == expected:
            return True
        await asyncio.sleep(0.1)
    return False


async def test_metrics_from_elsewhere_need_the_token(server: RunningTeamServer) -> None:
    async with server.client() as client:
        proxied = await client.get("/metrics", headers={"X-Forwarded-For": "203.0.113.9"})
        assert proxied.status_code == 403
        assert "PAIRPAD_METRICS_TOKEN" in proxied.json()["detail"]
        rebound = await client.get("/metrics", headers={"Host": "evil.example"})
        assert rebound.status_code == 403


async def test_readiness_follows_redis_down_and_back(
    server: RunningTeamServer, redis: RedisServer,
) -> None:
    async with server.client() as client:
        live = await client.get("/api/health/live")
        assert (live.status_code, live.json()) == (200, {"status": "ok"})
        ready = await client.get("/api/health/ready")
        assert ready.status_code == 200, ready.text
        assert ready.json() == {"status": "ok", "checks": {"database": "ok", "redis": "ok"}}
        redis.stop()
        try:
            down = await client.get("/api/health/ready")
            assert down.status_code == 503, down.text
            body = down.json()
            assert body["status"] == "unavailable"
            assert body["checks"] == {"database": "ok", "redis": "failed"}
            assert body["detail"].startswith(f"Redis at {redis.url} is unreachable")
            # Liveness checks no dependency: the process still answers.
            assert (await client.get("/api/health/live")).status_code == 200
        finally:
            redis.start()
        again = await client.get("/api/health/ready")
        assert again.status_code == 200, again.text


async def test_json_log_lines_carry_request_and_user_ids(server: RunningTeamServer) -> None:
    token = await register_and_sign_in(server, f"log-{uuid.uuid4().hex[:8]}@example.com")
    async with server.client(token) as client:
        me = await client.get("/api/auth/me")
        assert me.status_code == 200, me.text
        request_id = me.headers["x-request-id"]
        user_id = me.json()["id"]
    line = await logged(server, request_id)
    assert line["user_id"] == user_id
    assert line["path"] == "/api/auth/me" and line["status"] == 200
    assert {"timestamp", "level", "event", "logger"} <= set(line)
    # The access token it was sent with is in no log line.
    assert not [text for text in server.output if token in text]


async def logged(server: RunningTeamServer, request_id: str) -> dict[str, object]:
    """The access line of `request_id` (the log thread writes within ~50 ms)."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        for text in list(server.output):
            if request_id in text:
                line = json.loads(text)
                assert isinstance(line, dict)
                if line.get("event") == "request":
                    return line
        await asyncio.sleep(0.05)
    raise AssertionError(f"no log line for request {request_id}")
