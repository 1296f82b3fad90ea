"""Rate limits in local mode (`pairpad open`): the one developer's requests are counted in
memory; over a limit the API answers 429 with Retry-After and RateLimit-*; the socket
events that start model work answer their error ack. The limits here are set tiny on
purpose; the defaults (ratelimit/settings.py) sit far above what the editor sends."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest

from pairpad.app import PairpadApp, create_app
from pairpad.config import Settings
from tests.conftest import TEST_HOST, TEST_TOKEN
from tests.support.server import RunningServer, start_server
from tests.support.socket_client import RecordingClient


@pytest.fixture
async def limited(workspace: Path, data_dir: Path) -> AsyncIterator[httpx.AsyncClient]:
    (workspace / "a.txt").write_text("a\n")
    settings = Settings(workspace=workspace, data_dir=data_dir, token=TEST_TOKEN,
                        open_browser=False, limits={"user": "5/minute", "completion": "2/minute"})
    app: PairpadApp = create_app(settings)
    async with app.fastapi.router.lifespan_context(app.fastapi), httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url=f"http://{TEST_HOST}",
            headers={"Authorization": f"Bearer {TEST_TOKEN}"}) as http:
        yield http


async def test_the_sixth_request_in_a_minute_is_refused(limited: httpx.AsyncClient) -> None:
    for left in (4, 3, 2, 1, 0):
        answer = await limited.get("/api/files/content", params={"path": "a.txt"})
        assert answer.status_code == 200, answer.text
        assert answer.headers["ratelimit-limit"] == "5"
        assert answer.headers["ratelimit-remaining"] == str(left)
    refused = await limited.get("/api/files/content", params={"path": "a.txt"})
    assert refused.status_code == 429
    retry = int(refused.headers["retry-after"])
    assert 1 <= retry <= 60 and refused.headers["ratelimit-reset"] == str(retry)
    assert refused.headers["ratelimit-remaining"] == "0"
    assert refused.json()["detail"] == (
        f"Too many requests: user limit 5 per minute reached; retry in {retry} s.")
    # Health stays answered (probes), and so does the UI.
    assert (await limited.get("/api/health")).status_code == 200


async def test_completions_have_their_own_budget(limited: httpx.AsyncClient) -> None:
    body = {"path": "a.txt", "language": "plaintext", "prefix": "a", "suffix": ""}
    for _ in range(2):
        answer = await limited.post("/api/complete", json=body)
        assert answer.status_code != 429 and answer.headers["ratelimit-limit"] == "2"
    refused = await limited.post("/api/complete", json=body)
    assert refused.status_code == 429
    assert "completion limit 2 per minute" in refused.json()["detail"]
    # The user group did not pay for them.
    files = await limited.get("/api/files/tree")
    assert files.headers["ratelimit-remaining"] == "4"


async def test_limits_off_count_nothing(workspace: Path, data_dir: Path) -> None:
    settings = Settings(workspace=workspace, data_dir=data_dir, token=TEST_TOKEN,
                        open_browser=False, limits={"enabled": False, "user": "1/minute"})
    app = create_app(settings)
    async with app.fastapi.router.lifespan_context(app.fastapi), httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url=f"http://{TEST_HOST}",
            headers={"Authorization": f"Bearer {TEST_TOKEN}"}) as http:
        for _ in range(3):
            answer = await http.get("/api/files/tree")
            assert answer.status_code == 200 and "ratelimit-limit" not in answer.headers


async def test_the_default_local_limit_leaves_room_for_bursts(client: httpx.AsyncClient
                                                              ) -> None:
    """A project opening reads many files at once: 300 requests pass without a refusal."""
    for _ in range(300):
        answer = await client.get("/api/files/tree")
        assert answer.status_code == 200
    assert int(answer.headers["ratelimit-remaining"]) >= 800


@pytest.fixture
def budget_server(workspace: Path, data_dir: Path) -> Iterator[RunningServer]:
    # The chat role on a closed port: a send is accepted and its generation fails fast.
    (workspace / ".keep").write_text("")
    server = start_server(workspace, data_dir, env={
        "PAIRPAD_LIMITS__CHAT": "2/minute", "PAIRPAD_LIMITS__AGENT": "1/minute",
        "PAIRPAD_AI__PROVIDERS__DOWN__KIND": "ollama",
        "PAIRPAD_AI__PROVIDERS__DOWN__BASE_URL": "http://127.0.0.1:9",
        "PAIRPAD_AI__ROLES__CHAT": "down:qwen2.5-coder:7b",
    })
    try:
        yield server
    finally:
        server.stop()


async def test_socket_started_model_work_is_on_the_budgets(budget_server: RunningServer
                                                           ) -> None:
    client = await RecordingClient().connect(budget_server)
    try:
        first = await client.call("chat:send", {"message": "hi"})
        assert first.get("status") != 429, first
        # A retry and an inline edit count in the same chat budget (2 a minute).
        second = await client.call("inline_edit:start", {"path": "nope.py", "instruction": "x",
                                                         "start_line": 1, "end_line": 1})
        assert second.get("status") != 429, second
        refused = await client.call("chat:send", {"message": "again"})
        assert refused["status"] == 429, refused
        assert refused["error"].startswith("Too many requests: chat limit 2 per minute reached")
        assert 1 <= refused["retry_after"] <= 60
        assert (await client.call("agent:start", {"task": "t", "mode": "ask"})
                ).get("status") != 429
        agent = await client.call("agent:start", {"task": "t", "mode": "ask"})
        assert agent["status"] == 429 and "agent limit 1 per minute" in agent["error"]
    finally:
        await client.close()
    # The HTTP API is another group: still answered.
    async with httpx.AsyncClient(base_url=budget_server.base_url,
                                 headers=budget_server.auth_headers) as http:
        assert (await http.get("/api/files/tree")).status_code == 200
