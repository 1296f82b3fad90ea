"""The ASGI layer counting each API request in its group (inside the security guard, so the
caller's identity is known): 429 when the window is full, 503 when the shared counters
(Redis) cannot be reached, and the RateLimit-* headers on every limited answer."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from pairpad.ratelimit.groups import EMAIL_ROUTES, group_of
from pairpad.ratelimit.limiter import Decision, RateLimiter
from pairpad.redis_unavailable import RETRY_AFTER_S, RedisUnavailable


def same_path(path: str) -> str:
    return path


class RateLimitMiddleware:
    def __init__(self, app: ASGIApp, limiter: RateLimiter,
                 route_path: Callable[[str], str] = same_path) -> None:
        self.app = app
        self.limiter = limiter
        # The path the routes see (team mode: without a workspace's `/w/{id}`).
        self.route_path = route_path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self.limiter.enabled:
            await self.app(scope, receive, send)
            return
        method: str = scope.get("method", "GET")
        path = self.route_path(scope["path"])
        user_id = getattr(scope.get("state", {}).get("identity"), "user_id", None)
        group = group_of(method, path, signed_in=isinstance(user_id, str))
        if group is None:
            await self.app(scope, receive, send)
            return
        try:
            if group in ("auth", "anonymous"):
                decision = await self.limiter.hit(group, _client_address(scope))
                if decision.allowed and (method, path) in EMAIL_ROUTES:
                    messages = await _read_body(receive)
                    receive = _replay(messages, receive)
                    email = _email_in(messages)
                    if email is not None:
                        decision = _stricter(decision,
                                             await self.limiter.hit("auth_email", email))
            else:
                decision = await self.limiter.hit(group, str(user_id))
        except RedisUnavailable as error:
            await _answer(send, 503, error.detail,
                          [(b"retry-after", b"%d" % RETRY_AFTER_S)])
            return
        if not decision.allowed:
            await _answer(send, 429, decision.detail, decision.headers())
            return
        await self.app(scope, receive, _with_headers(send, decision.headers()))


def _client_address(scope: Scope) -> str:
    client = scope.get("client")
    return str(client[0]) if client else "unknown"


def _stricter(first: Decision, second: Decision) -> Decision:
    if not second.allowed or second.remaining < first.remaining:
        return second
    return first


async def _read_body(receive: Receive) -> list[Message]:
    """The request's body messages (the guard outside bounds its size)."""
    messages: list[Message] = []
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request" or not message.get("more_body", False):
            return messages


def _replay(messages: list[Message], receive: Receive) -> Receive:
    pending = list(messages)

    async def replayed() -> Message:
        return pending.pop(0) if pending else await receive()

    return replayed


def _email_in(messages: list[Message]) -> str | None:
    """The email the body names, hashed: Redis keys never hold an address."""
    body = b"".join(m.get("body", b"") for m in messages if m["type"] == "http.request")
    try:
        data = json.loads(body)
    except ValueError:
        return None
    email = data.get("email") if isinstance(data, dict) else None
    if not isinstance(email, str) or not email.strip():
        return None
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]


def _with_headers(send: Send, headers: list[tuple[bytes, bytes]]) -> Send:
    async def sending(message: Message) -> None:
        if message["type"] == "http.response.start":
            message = {**message, "headers": [*message.get("headers", []), *headers]}
        await send(message)

    return sending


async def _answer(send: Send, status: int, detail: str,
                  headers: list[tuple[bytes, bytes]]) -> None:
    body = json.dumps({"detail": detail}).encode()
    await send({"type": "http.response.start", "status": status, "headers": [
        (b"content-type", b"application/json"), (b"content-length", b"%d" % len(body)),
        (b"cache-control", b"no-store"), *headers]})
    await send({"type": "http.response.body", "body": body})
