"""Local mode's observability: /metrics (who may read it, series by route template, model
latency and tokens after a chat through a scripted OpenAI-compatible server, the Socket.IO
gauge of a real `pairpad open`), liveness and readiness (503 when the database fails)."""

from __future__ import annotations

import re
import time
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
import socketio

from pairpad.ai.chat_models import ChatSendRequest
from pairpad.api import health
from pairpad.app import PairpadApp, create_app
from pairpad.config import Settings
from pairpad.storage.db import Database
from tests.conftest import TEST_HOST, TEST_TOKEN
from tests.support.events import record_chat_events
from tests.support.openai_server import scripted_openai
from tests.support.server import start_server

METRICS_TOKEN = "scrape-0123456789abcdef"


def sample(text: str, name: str, **labels: str) -> float | None:
    """The value of series `name` with exactly `labels` in a Prometheus text scrape."""
    for line in text.splitlines():
        if line.startswith("#") or not line.startswith(name):
            continue
        series, _, value = line.rpartition(" ")
        found_name, _, rest = series.partition("{")
        if found_name == name and dict(re.findall(r'(\w+)="([^"]*)"', rest)) == labels:
            return float(value)
    return None


def client_of(app: PairpadApp, client: tuple[str, int] = ("127.0.0.1", 50000),
              **headers: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app, client=client),
                             base_url=f"http://{TEST_HOST}", headers=headers)


async def test_metrics_are_for_this_machine_without_a_token(app: PairpadApp) -> None:
    async with client_of(app) as local:
        scrape = await local.get("/metrics")  # no credentials: loopback is enough
        assert scrape.status_code == 200, scrape.text
        assert scrape.headers["content-type"].startswith("text/plain; version=")
        proxied = await local.get("/metrics", headers={"X-Forwarded-For": "198.51.100.7"})
        assert proxied.status_code == 403
        rebound = await local.get("/metrics", headers={"Host": "attacker.example"})
        assert rebound.status_code == 403
        assert (await local.post("/metrics")).status_code == 405
    async with client_of(app, ("192.0.2.10", 50000)) as remote:
        refused = await remote.get("/metrics")
        assert refused.status_code == 403
        assert "PAIRPAD_METRICS_TOKEN" in refused.json()["detail"]


async def test_with_a_metrics_token_only_its_bearer_reads_them(settings: Settings) -> None:
    app = create_app(settings.model_copy(update={"metrics_token": METRICS_TOKEN}))
    async with client_of(app, ("192.0.2.10", 50000)) as remote:
        assert (await remote.get("/metrics")).status_code == 401
        wrong = await remote.get("/metrics", headers={"Authorization": "Bearer nope"})
        assert wrong.status_code == 401
        # The local token is no metrics token.
        local_token = await remote.get("/metrics",
                                       headers={"Authorization": f"Bearer {TEST_TOKEN}"})
        assert local_token.status_code == 401
        ok = await remote.get("/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"})
        assert ok.status_code == 200 and "pairpad_http_requests_total" in ok.text


async def test_requests_are_labelled_by_route_template(
    app: PairpadApp, client: httpx.AsyncClient,
) -> None:
    conversation = await client.post("/api/conversations", json={"title": "Metrics"})
    conversation_id = conversation.json()["id"]
    assert (await client.get(f"/api/conversations/{conversation_id}")).status_code == 200
    assert (await client.get("/api/no-such-route")).status_code in (404, 405)
    text = (await client.get("/metrics")).text
    assert sample(text, "pairpad_http_requests_total", method="GET",
                  route="/api/conversations/{conversation_id}", status="200") is not None
    assert conversation_id not in text  # never a raw path
    assert sample(text, "pairpad_http_request_duration_seconds_count", method="POST",
                  route="/api/conversations") is not None
    assert sample(text, "pairpad_http_requests_total", method="GET", route="unmatched",
                  status="404") is not None


async def test_health_probes_need_no_credentials(anonymous: httpx.AsyncClient) -> None:
    live = await anonymous.get("/api/health/live")
    assert (live.status_code, live.json()) == (200, {"status": "ok"})
    ready = await anonymous.get("/api/health/ready")
    assert (ready.status_code, ready.json()) == (
        200, {"status": "ok", "checks": {"database": "ok"}})


async def test_readiness_is_503_while_the_database_fails(
    app: PairpadApp, anonymous: httpx.AsyncClient, tmp_path: Path,
) -> None:
    # An SQLite file that cannot be opened: its folder does not exist.
    broken = Database.for_sqlite_file(tmp_path / "missing" / "pairpad.sqlite3")
    working = app.fastapi.state.readiness
    health.install_readiness(app.fastapi, {"database": health.database_check(broken)})
    try:
        down = await anonymous.get("/api/health/ready")
        assert down.status_code == 503, down.text
        body = down.json()
        assert body["status"] == "unavailable" and body["checks"] == {"database": "failed"}
        assert body["detail"].startswith("The database (SQLite) is unreachable")
        assert "missing" not in body["detail"]  # paths and hosts stay in the log
        assert (await anonymous.get("/api/health/live")).status_code == 200
    finally:
        await broken.dispose()
        health.install_readiness(app.fastapi, working)
    assert (await anonymous.get("/api/health/ready")).status_code == 200


@pytest.fixture
async def scripted_app(workspace: Path, data_dir: Path) -> AsyncIterator[PairpadApp]:
    with scripted_openai() as server:
        settings = Settings(
            workspace=workspace, data_dir=data_dir, token=TEST_TOKEN, open_browser=False,
            ai={"providers": {"lab": {"kind": "openai_compat",
                                      "base_url": server.base_url}},
                "roles": {"chat": "lab:scripted-small"}})
        app = create_app(settings)
        async with app.fastapi.router.lifespan_context(app.fastapi):
            yield app


async def test_a_chat_moves_the_model_latency_and_token_series(scripted_app: PairpadApp) -> None:
    async with client_of(scripted_app) as local:
        before = (await local.get("/metrics")).text
    events = record_chat_events(scripted_app.services.events)
    chat = scripted_app.services.ai.chat
    ack = await chat.send(ChatSendRequest(text="Hello?"))
    await chat.wait_for(ack["conversation_id"])
    name, done = events[-1]
    assert name == "chat:done", events
    usage = done["usage"]
    assert usage["estimated"] is False and usage["input_tokens"] > 0  # the server reported it
    async with client_of(scripted_app) as local:
        after = (await local.get("/metrics")).text

    def moved(text: str, name: str, **labels: str) -> float:
        return sample(text, name, **labels) or 0.0

    latency = "pairpad_model_request_duration_seconds_count"
    assert moved(after, latency, provider="lab", kind="chat") == moved(
        before, latency, provider="lab", kind="chat") + 1
    # The tokens the scripted server reported in the stream's usage.
    tokens = "pairpad_model_tokens_total"
    assert moved(after, tokens, provider="lab", direction="prompt") == moved(
        before, tokens, provider="lab", direction="prompt") + usage["input_tokens"]
    assert moved(after, tokens, provider="lab", direction="completion") == moved(
        before, tokens, provider="lab", direction="completion") + usage["output_tokens"]


async def test_the_socket_gauge_counts_accepted_sockets_only(
    workspace: Path, data_dir: Path,
) -> None:
    server = start_server(workspace, data_dir)
    try:
        async with httpx.AsyncClient(base_url=server.base_url) as http:

            async def gauge() -> float | None:
                return sample((await http.get("/metrics")).text, "pairpad_socketio_connections")

            assert await gauge() == 0
            refused = socketio.AsyncClient(reconnection=False)
            with pytest.raises(socketio.exceptions.ConnectionError):
                await refused.connect(server.base_url, auth={"token": "wrong"},
                                      transports=["websocket"], wait_timeout=10)
            assert await gauge() == 0
            accepted = socketio.AsyncClient(reconnection=False)
            await accepted.connect(server.base_url, auth={"token": server.token},
                                   transports=["websocket"], wait_timeout=10)
            assert await gauge() == 1
            await accepted.disconnect()
            deadline = time.monotonic() + 10
            while await gauge() != 0 and time.monotonic() < deadline:
                await accepted.sleep(0.1)
            assert await gauge() == 0
    finally:
        server.stop()
