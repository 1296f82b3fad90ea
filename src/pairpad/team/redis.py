"""Team mode's Redis: the one client of a `pairpad serve` instance (fails fast when Redis is
down), and Redis being down answered as 503 + `Retry-After` wherever it is raised.

`RedisUnavailable` itself is defined in `pairpad.redis_unavailable` (the bottom layer: the
rate limits, health and leases import it from there); it is re-exported here."""

from __future__ import annotations

import json

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from redis import exceptions as redis_errors
from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from pairpad.redis_unavailable import (
    RETRY_AFTER_S,
    RedisUnavailable,
    redis_unavailable_detail,
    redis_url_for_display,
)

__all__ = ["RETRY_AFTER_S", "RedisUnavailable", "RedisUnavailableMiddleware", "connect_redis",
           "install_redis_errors", "redis_unavailable_detail", "redis_url_for_display"]

# A request waits at most this long for a dead Redis before its 503.
REDIS_TIMEOUT_S = 2.0
# What redis-py raises when the server is down, unreachable or too slow.
REDIS_DOWN = (RedisUnavailable, redis_errors.ConnectionError, redis_errors.TimeoutError)
_URL_STATE = "redis_url"  # scope["state"] key: the URL for a bare redis-py error's 503


def connect_redis(url: str) -> Redis:
    """A pooled client (connects lazily, on the first command). One retry without backoff:
    after a Redis restart the pool's old connection fails once and the retry reconnects;
    while Redis is down a command fails within REDIS_TIMEOUT_S instead of backing off."""
    return Redis.from_url(url, socket_connect_timeout=REDIS_TIMEOUT_S,
                          socket_timeout=REDIS_TIMEOUT_S, retry=Retry(NoBackoff(), 1),
                          health_check_interval=30)


def unavailable(error: BaseException, url: str) -> RedisUnavailable:
    return error if isinstance(error, RedisUnavailable) else RedisUnavailable(url, error)


_HEADERS = {"Retry-After": str(RETRY_AFTER_S), "Cache-Control": "no-store"}


def _answer(error: RedisUnavailable) -> tuple[bytes, list[tuple[bytes, bytes]]]:
    body = json.dumps({"detail": error.detail}).encode()
    return body, [(b"content-type", b"application/json"),
                  (b"content-length", str(len(body)).encode()),
                  *((name.lower().encode(), value.encode()) for name, value in _HEADERS.items())]


class RedisUnavailableMiddleware:
    """Redis down anywhere below (a middleware, a route) → 503 with `Retry-After`, not a 500
    or a hang; and it tells the FastAPI apps below (install_redis_errors) the URL to name."""

    def __init__(self, app: ASGIApp, url: str) -> None:
        self.app = app
        self.url = url

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        scope.setdefault("state", {})[_URL_STATE] = self.url
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except REDIS_DOWN as error:
            if started:
                raise
            body, headers = _answer(unavailable(error, self.url))
            await send({"type": "http.response.start", "status": 503, "headers": headers})
            await send({"type": "http.response.body", "body": body})


def install_redis_errors(api: FastAPI) -> None:
    """Inside a FastAPI app the catch-all handler would make Redis down a 500 before the
    middleware sees it: answer the 503 here."""

    async def redis_down(request: Request, error: Exception) -> JSONResponse:
        url = request.scope.get("state", {}).get(_URL_STATE, "the configured URL")
        return JSONResponse({"detail": unavailable(error, str(url)).detail}, status_code=503,
                            headers=_HEADERS)

    for kind in REDIS_DOWN:
        api.add_exception_handler(kind, redis_down)
