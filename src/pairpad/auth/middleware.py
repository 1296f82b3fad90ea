"""Local-mode guard in front of every HTTP and WebSocket request (DESIGN.md §6).

One ASGI layer, outermost, so FastAPI routes, static files and Socket.IO share it:
Host allow-list (DNS rebinding), token → cookie login, credentials on every call,
Origin + XSRF double-submit for cookie-authenticated writes, security headers.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from urllib.parse import parse_qsl, urlencode, urlsplit

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from pairpad.auth.headers import SECURITY_HEADERS
from pairpad.auth.identity import Identity, LocalTokenIdentityProvider, parse_cookies
from pairpad.auth.local_token import (
    AUTH_COOKIE,
    XSRF_COOKIE,
    XSRF_HEADER,
    new_xsrf_value,
    tokens_match,
)

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
PUBLIC_PATHS = frozenset({"/api/health"})
SOCKETIO_PREFIX = "/socket.io"
LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})


def host_name(host_header: str) -> str:
    """`[::1]:8000` → `::1`, `Localhost:80` → `localhost`."""
    host = host_header.strip().lower()
    if host.startswith("["):
        return host[1 : host.find("]")] if "]" in host else host
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def allowed_host_names(bind_host: str, extra: Iterable[str]) -> frozenset[str]:
    names = set(LOOPBACK_NAMES) | {name.lower() for name in extra}
    if bind_host not in {"0.0.0.0", "::", ""}:
        names.add(host_name(bind_host))
    return frozenset(names)


class LocalSecurityMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        identities: LocalTokenIdentityProvider,
        allowed_hosts: frozenset[str],
    ) -> None:
        self.app = app
        self.identities = identities
        self.allowed_hosts = allowed_hosts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        if scope["type"] == "http":
            send = _with_security_headers(send)
        headers = Headers(scope=scope)
        path: str = scope["path"]
        method: str = scope.get("method", "GET")

        if host_name(headers.get("host", "")) not in self.allowed_hosts:
            await _deny(
                scope, send, 403, "Host not allowed: this server only answers on localhost."
            )
            return
        if not _origin_ok(headers):
            await _deny(scope, send, 403, "Cross-origin request refused.")
            return
        if scope["type"] == "http" and method == "GET" and not path.startswith("/api/"):
            token = dict(parse_qsl(scope.get("query_string", b"").decode())).get("token")
            if token is not None:
                await self._login_with_token(scope, send, token)
                return
        if path in PUBLIC_PATHS:
            await self.app(scope, receive, send)
            return
        if path == SOCKETIO_PREFIX or path.startswith(SOCKETIO_PREFIX + "/"):
            # Socket.IO authenticates in its connect handler (cookie or auth={"token"}).
            await self.app(scope, receive, send)
            return

        identity = self.identities.from_headers(headers.get("authorization"), headers.get("cookie"))
        if identity is None:
            await _deny(
                scope,
                send,
                401,
                "Not authenticated: open the URL with ?token= printed by `pairpad open`, "
                "or send `Authorization: Bearer TOKEN`.",
            )
            return
        if identity.via == "cookie" and method not in SAFE_METHODS and not _xsrf_ok(headers):
            await _deny(scope, send, 403, "Missing or wrong X-XSRF-Token header.")
            return
        scope.setdefault("state", {})["identity"] = identity
        await self.app(scope, receive, send)

    async def _login_with_token(self, scope: Scope, send: Send, token: str) -> None:
        if not self.identities.token_is_valid(token):
            await _deny(scope, send, 401, "Invalid token.")
            return
        query = [
            (k, v) for k, v in parse_qsl(scope.get("query_string", b"").decode()) if k != "token"
        ]
        # `//evil.example/` would be a scheme-relative URL: an open redirect.
        path = "/" + scope["path"].lstrip("/")
        location = path + (f"?{urlencode(query)}" if query else "")
        cookie_flags = "Path=/; SameSite=Strict"
        await send(
            {
                "type": "http.response.start",
                "status": 303,
                "headers": [
                    (b"location", location.encode()),
                    (b"cache-control", b"no-store"),
                    (b"set-cookie", f"{AUTH_COOKIE}={token}; HttpOnly; {cookie_flags}".encode()),
                    (b"set-cookie", f"{XSRF_COOKIE}={new_xsrf_value()}; {cookie_flags}".encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": b""})


def _origin_ok(headers: Headers) -> bool:
    """A browser sends Origin on cross-site requests; it must name this very host."""
    origin = headers.get("origin")
    if origin is None:
        return True
    return urlsplit(origin).netloc.lower() == headers.get("host", "").lower()


def _xsrf_ok(headers: Headers) -> bool:
    cookie_value = parse_cookies(headers.get("cookie")).get(XSRF_COOKIE)
    return cookie_value is not None and tokens_match(headers.get(XSRF_HEADER), cookie_value)


def identity_from_environ_or_token(
    identities: LocalTokenIdentityProvider, environ: dict[str, object], token: str | None
) -> Identity | None:
    """Socket.IO connect: cookie (browser) or `auth={"token": ...}` (API clients)."""
    cookie = environ.get("HTTP_COOKIE")
    authorization = environ.get("HTTP_AUTHORIZATION")
    identity = identities.from_headers(
        authorization if isinstance(authorization, str) else None,
        cookie if isinstance(cookie, str) else None,
    )
    return identity or identities.from_token(token)


async def _deny(scope: Scope, send: Send, status: int, detail: str) -> None:
    if scope["type"] == "websocket":
        # Closing before accept makes the server answer the handshake with 403.
        await send({"type": "websocket.close", "code": 1008, "reason": detail[:120]})
        return
    body = json.dumps({"detail": detail}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def _with_security_headers(send: Send) -> Send:
    async def wrapped(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = MutableHeaders(scope=message)
            for name, value in SECURITY_HEADERS:
                if name.decode() not in headers:
                    headers.raw.append((name, value))
        await send(message)

    return wrapped
