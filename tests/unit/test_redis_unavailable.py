"""Redis down → 503 with the fixed detail and `Retry-After: 5`, wherever it is raised in the
team app: in an ASGI middleware (the rate limits) or inside a FastAPI route (where the
catch-all handler would otherwise answer 500)."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI
from redis import exceptions as redis_errors
from starlette.types import Receive, Scope, Send

from pairpad.app import install_error_handlers
from pairpad.redis_unavailable import RedisUnavailable, redis_url_for_display
from pairpad.team.redis import RedisUnavailableMiddleware, install_redis_errors

URL = "redis://pairpad:s3cret@redis.internal:6380/2"
SHOWN = "redis://pairpad@redis.internal:6380/2"


def test_the_url_is_shown_without_its_password() -> None:
    assert redis_url_for_display(URL) == SHOWN
    assert redis_url_for_display("redis://:s3cret@[::1]:6379/0") == "redis://[::1]:6379/0"
    assert redis_url_for_display("redis://127.0.0.1:6379/0") == "redis://127.0.0.1:6379/0"
    error = RedisUnavailable(URL, ConnectionRefusedError("Connection refused."))
    assert error.detail == (
        f"Redis at {SHOWN} is unreachable: Connection refused. Team mode needs it for "
        "sessions, rate limits and events; requests resume once it answers.")
    assert "s3cret" not in error.detail


def _answers(app: FastAPI | RedisUnavailableMiddleware) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t")


@pytest.mark.parametrize("raised", [
    redis_errors.ConnectionError("Error 111 connecting to redis.internal:6380."),
    redis_errors.TimeoutError("Timeout reading from socket"),
    RedisUnavailable(URL, "no answer to PING"),
])
async def test_raised_below_the_middleware_it_is_a_503(raised: Exception) -> None:
    async def failing(_scope: Scope, _receive: Receive, _send: Send) -> None:
        raise raised

    async with _answers(RedisUnavailableMiddleware(failing, URL)) as client:
        answer = await client.get("/api/auth/me")
    assert answer.status_code == 503
    assert answer.headers["retry-after"] == "5"
    assert answer.json()["detail"].startswith(f"Redis at {SHOWN} is unreachable: ")


async def test_raised_in_a_route_it_is_a_503_not_the_catch_all_500() -> None:
    api = FastAPI()
    install_error_handlers(api)
    install_redis_errors(api)

    @api.get("/api/boom")
    async def boom() -> None:
        raise redis_errors.ConnectionError("Connection closed by server.")

    async with _answers(RedisUnavailableMiddleware(api, URL)) as client:
        answer = await client.get("/api/boom")
    assert answer.status_code == 503, answer.text
    assert answer.headers["retry-after"] == "5"
    assert answer.json() == {"detail": (
        f"Redis at {SHOWN} is unreachable: Connection closed by server. Team mode needs it "
        "for sessions, rate limits and events; requests resume once it answers.")}
