"""The middleware on memory storage: headers, 429, keys per user / address / email, and a
503 (never an unlimited pass) when Redis cannot be reached."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from starlette.types import Receive, Scope, Send

from pairpad.ratelimit.limiter import RateLimiter
from pairpad.ratelimit.middleware import RateLimitMiddleware
from pairpad.ratelimit.settings import LimitSettings
from pairpad.telemetry.metrics import RATE_LIMIT_REJECTIONS


@dataclass(frozen=True)
class FakeIdentity:
    user_id: str


async def echo(scope: Scope, receive: Receive, send: Send) -> None:
    """Answers 200 with the body it received (so a replayed body can be checked)."""
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if not message.get("more_body"):
            break
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"text/plain")]})
    await send({"type": "http.response.body", "body": body})


def with_identity(app: Any) -> Any:
    """What the security guard does: the `X-Test-User` header's user in the scope."""
    async def guarded(scope: Scope, receive: Receive, send: Send) -> None:
        user = dict(scope["headers"]).get(b"x-test-user")
        if user:
            scope.setdefault("state", {})["identity"] = FakeIdentity(user.decode())
        await app(scope, receive, send)

    return guarded


def client_for(limiter: RateLimiter, address: str = "10.0.0.1", **kwargs: Any
               ) -> httpx.AsyncClient:
    app = with_identity(RateLimitMiddleware(echo, limiter, **kwargs))
    transport = httpx.ASGITransport(app=app, client=(address, 1234))
    return httpx.AsyncClient(transport=transport, base_url="http://test")


@pytest.fixture
def limiter() -> RateLimiter:
    settings = LimitSettings(user="3/minute", anonymous="2/minute", auth="4/minute",
                             auth_email="2/minute", completion="1/minute")
    return RateLimiter.from_settings(settings, team=True)


@pytest.fixture
async def alice(limiter: RateLimiter) -> AsyncIterator[httpx.AsyncClient]:
    async with client_for(limiter) as http:
        http.headers["x-test-user"] = "alice"
        yield http


def rejections(group: str) -> float:
    value = RATE_LIMIT_REJECTIONS.labels(group=group)._value.get()
    return float(value)


async def test_limited_answers_carry_the_ratelimit_headers(alice: httpx.AsyncClient) -> None:
    first = await alice.get("/api/files")
    assert first.status_code == 200
    assert first.headers["ratelimit-limit"] == "3"
    assert first.headers["ratelimit-remaining"] == "2"
    assert 59 <= int(first.headers["ratelimit-reset"]) <= 60
    assert first.headers["ratelimit-policy"] == "3;w=60"
    assert "retry-after" not in first.headers
    assert (await alice.get("/api/files")).headers["ratelimit-remaining"] == "1"


async def test_over_the_limit_is_a_429_with_retry_after(alice: httpx.AsyncClient) -> None:
    before = rejections("user")
    for _ in range(3):
        assert (await alice.get("/api/search")).status_code == 200
    refused = await alice.get("/api/files")
    assert refused.status_code == 429
    retry = int(refused.headers["retry-after"])
    assert 1 <= retry <= 60
    assert refused.json() == {"detail": "Too many requests: user limit 3 per minute reached; "
                                        f"retry in {retry} s."}
    assert refused.headers["ratelimit-remaining"] == "0"
    assert refused.headers["ratelimit-reset"] == str(retry)
    assert rejections("user") == before + 1


async def test_each_user_has_their_own_window(limiter: RateLimiter,
                                              alice: httpx.AsyncClient) -> None:
    for _ in range(3):
        await alice.get("/api/files")
    assert (await alice.get("/api/files")).status_code == 429
    async with client_for(limiter) as bob:
        answer = await bob.get("/api/files", headers={"x-test-user": "bob"})
    assert answer.status_code == 200 and answer.headers["ratelimit-remaining"] == "2"


async def test_a_budget_route_counts_apart_from_the_user_group(
        alice: httpx.AsyncClient) -> None:
    assert (await alice.post("/api/complete", json={})).headers["ratelimit-limit"] == "1"
    refused = await alice.post("/api/complete", json={})
    assert refused.status_code == 429
    assert "completion limit 1 per minute" in refused.json()["detail"]
    assert (await alice.get("/api/files")).status_code == 200  # the user group is untouched


async def test_anonymous_requests_count_per_address(limiter: RateLimiter) -> None:
    async with client_for(limiter, "10.0.0.7") as one, client_for(limiter, "10.0.0.8") as two:
        assert [(await one.get("/api/x")).status_code for _ in range(3)] == [200, 200, 429]
        assert (await two.get("/api/x")).status_code == 200


async def test_unlimited_paths_pass_without_headers(limiter: RateLimiter) -> None:
    async with client_for(limiter) as anonymous:
        for _ in range(5):
            for path in ("/api/health", "/api/health/ready", "/", "/assets/app.js"):
                answer = await anonymous.get(path)
                assert answer.status_code == 200 and "ratelimit-limit" not in answer.headers


async def test_sign_in_counts_per_address_and_per_email(limiter: RateLimiter) -> None:
    body = {"email": "Carol@Example.com ", "password": "x"}
    async with client_for(limiter, "10.0.0.2") as one, client_for(limiter, "10.0.0.3") as two:
        first = await one.post("/api/auth/login", json=body)
        assert first.status_code == 200
        assert first.json() == body  # the body read for its email reaches the route whole
        # The same account from another address: the per-email window (2) is shared.
        assert (await two.post("/api/auth/login", json={**body, "email": "carol@example.com"})
                ).status_code == 200
        refused = await two.post("/api/auth/login", json=body)
        assert refused.status_code == 429
        assert "auth_email limit 2 per minute" in refused.json()["detail"]
        # Another account from that address still goes (4 per address).
        other = await two.post("/api/auth/login", json={"email": "dan@example.com"})
        assert other.status_code == 200
        # Every sign-in step counts in the address's window: its 4th passes, the 5th not.
        assert (await two.post("/api/auth/refresh", json={})).status_code == 200
        assert (await two.post("/api/auth/refresh", json={})).status_code == 429


async def test_team_paths_are_classified_without_the_workspace_prefix(
        limiter: RateLimiter) -> None:
    def route_path(path: str) -> str:
        return path.removeprefix("/w/ws1")

    async with client_for(limiter, route_path=route_path) as http:
        http.headers["x-test-user"] = "erin"
        first = await http.post("/w/ws1/api/complete", json={})
        assert first.headers["ratelimit-limit"] == "1"  # completion, not user
        assert "ratelimit-limit" not in (await http.get("/w/ws1/")).headers


async def test_disabled_limits_count_nothing() -> None:
    limiter = RateLimiter.from_settings(LimitSettings(enabled=False, user="1/minute"), team=True)
    async with client_for(limiter) as http:
        for _ in range(3):
            answer = await http.get("/api/files", headers={"x-test-user": "frank"})
            assert answer.status_code == 200 and "ratelimit-limit" not in answer.headers


async def test_unreachable_redis_is_a_503_not_a_pass() -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"redis://:secret@127.0.0.1:{port}/0"
    limiter = RateLimiter.from_settings(LimitSettings(), team=True, redis_url=url)
    try:
        async with client_for(limiter) as http:
            answer = await http.get("/api/files", headers={"x-test-user": "gina"})
    finally:
        await limiter.close()
    assert answer.status_code == 503
    assert answer.headers["retry-after"] == "5"
    detail = answer.json()["detail"]
    assert detail.startswith(f"Redis at redis://127.0.0.1:{port}/0 is unreachable: ")
    assert detail.endswith("Team mode needs it for sessions, rate limits and events; "
                           "requests resume once it answers.")
    assert "secret" not in detail
