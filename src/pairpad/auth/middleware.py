"""Local-mode guard in front of every HTTP and WebSocket request (DESIGN.md §6).

One ASGI layer, outermost, so FastAPI routes, static files and Socket.IO share it:
Host allow-list (DNS rebinding), token → cookie login, credentials on every call (failed
tokens throttled), Origin + XSRF double-submit for cookie-authenticated writes, a ceiling on
request bodies, security headers. It runs on every request, so it reads the raw header list
once instead of building starlette `Headers`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from urllib.parse import parse_qsl, urlsplit

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from pairpad.auth.body_limit import call_with_body_limit
from pairpad.auth.headers import SECURITY_HEADERS
from pairpad.auth.hosts import host_name
from pairpad.auth.identity import Identity, LocalTokenIdentityProvider, Refused, parse_cookies
from pairpad.auth.local_token import (
    XSRF_COOKIE,
    XSRF_HEADER,
    auth_cookie_name,
    new_xsrf_value,
    tokens_match,
)
from pairpad.auth.redirect import login_redirect

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Health probes (version, liveness, readiness) need no credentials.
PUBLIC_PATHS = frozenset({"/api/health", "/api/health/live", "/api/health/ready"})
SOCKETIO_PREFIX = "/socket.io"
# Socket.IO authenticates in its connect handler (cookie or auth={"token"}).
UNAUTHENTICATED = PUBLIC_PATHS | {SOCKETIO_PREFIX}
LEGACY_AUTH_COOKIE = "pairpad_token"  # held the raw token before; deleted at the next login
_XSRF_HEADER = XSRF_HEADER.encode()
_MAX_REMEMBERED_HOSTS = 16


class RequestHeaders:
    """The headers the guard needs, from one pass over the raw list (latin-1, as HTTP is)."""

    __slots__ = (
        "authorization", "chunked", "content_length", "cookie", "host", "hosts", "origin", "xsrf",
    )  # fmt: skip

    def __init__(self, raw: Iterable[tuple[bytes, bytes]]) -> None:
        self.hosts = 0
        self.host: str | None = None
        self.authorization: str | None = None
        self.cookie: str | None = None
        self.origin: str | None = None
        self.xsrf: str | None = None
        self.content_length: str | None = None
        self.chunked = False
        for name, value in raw:
            if name == b"host":
                self.hosts += 1
                self.host = value.decode("latin-1")
            elif name == b"authorization":
                self.authorization = value.decode("latin-1")
            elif name == b"cookie":
                # Several Cookie headers (HTTP/2 style) are joined as RFC 9113 says.
                text = value.decode("latin-1")
                self.cookie = f"{self.cookie}; {text}" if self.cookie else text
            elif name == b"origin":
                self.origin = value.decode("latin-1")
            elif name == _XSRF_HEADER:
                self.xsrf = value.decode("latin-1")
            elif name == b"content-length":
                self.content_length = value.decode("latin-1")
            elif name == b"transfer-encoding":
                self.chunked = True

    def declared_length(self) -> int | None:
        if self.content_length is None:
            return None
        try:
            return int(self.content_length)
        except ValueError:
            return None


class LocalSecurityMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        identities: LocalTokenIdentityProvider,
        allowed_hosts: frozenset[str],
        max_body_size: int,
    ) -> None:
        self.app = app
        self.identities = identities
        self.allowed_hosts = allowed_hosts
        self.max_body_size = max_body_size
        # Host header values already found allowed (a browser sends one or two): a set
        # lookup instead of parsing the header on every request. Bounded, so a client
        # cycling through ports cannot grow it.
        self._allowed_host_headers: set[str] = set()

    def _host_allowed(self, headers: RequestHeaders) -> bool:
        if headers.hosts != 1 or headers.host is None:
            return False
        if headers.host in self._allowed_host_headers:
            return True
        if host_name(headers.host) not in self.allowed_hosts:
            return False
        if len(self._allowed_host_headers) < _MAX_REMEMBERED_HOSTS:
            self._allowed_host_headers.add(headers.host)
        return True

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        if scope["type"] == "http":
            send = with_security_headers(send)
        headers = RequestHeaders(scope["headers"])
        path: str = scope["path"]
        method: str = scope.get("method", "GET")

        if not self._host_allowed(headers):
            await deny(
                scope, send, 403, "Host not allowed: this server only answers on localhost."
            )
            return
        if not origin_ok(headers.origin, headers.host or ""):
            await deny(scope, send, 403, "Cross-origin request refused.")
            return
        if scope["type"] == "http" and method == "GET" and not path.startswith("/api/"):
            query = parse_qsl(scope.get("query_string", b"").decode("latin-1"))
            token = dict(query).get("token")
            if token is not None:
                await self._login_with_token(scope, send, token, query)
                return
        if path in UNAUTHENTICATED or path.startswith(SOCKETIO_PREFIX + "/"):
            await self._call_app(scope, receive, send, headers)
            return

        result = self.identities.authenticate(
            authorization=headers.authorization,
            cookie_header=headers.cookie,
            token=None,
            port=_server_port(scope),
            client=_client(scope),
        )
        if isinstance(result, Refused):
            await _refuse(scope, send, result)
            return
        if result.via == "cookie" and method not in SAFE_METHODS and not xsrf_ok(headers):
            await deny(scope, send, 403, "Missing or wrong X-XSRF-Token header.")
            return
        scope.setdefault("state", {})["identity"] = result
        await self._call_app(scope, receive, send, headers)

    async def _call_app(
        self, scope: Scope, receive: Receive, send: Send, headers: RequestHeaders
    ) -> None:
        await call_with_limit(self.app, scope, receive, send, headers, self.max_body_size)

    async def _login_with_token(
        self, scope: Scope, send: Send, token: str, query: list[tuple[str, str]]
    ) -> None:
        port = _server_port(scope)
        result = self.identities.authenticate(
            authorization=None, cookie_header=None, token=token, port=port, client=_client(scope)
        )
        if isinstance(result, Refused):
            await _refuse(scope, send, result)
            return
        location = login_redirect(scope["path"], [(k, v) for k, v in query if k != "token"])
        flags = "Path=/; SameSite=Strict"
        cookie = f"{auth_cookie_name(port)}={self.identities.cookie_value}; HttpOnly; {flags}"
        await send(
            {
                "type": "http.response.start",
                "status": 303,
                "headers": [
                    (b"location", location.encode("ascii")),
                    (b"cache-control", b"no-store"),
                    (b"set-cookie", cookie.encode()),
                    (b"set-cookie", f"{XSRF_COOKIE}={new_xsrf_value()}; {flags}".encode()),
                    (b"set-cookie", f"{LEGACY_AUTH_COOKIE}=; Max-Age=0; {flags}".encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": b""})


async def call_with_limit(
    app: ASGIApp, scope: Scope, receive: Receive, send: Send, headers: RequestHeaders,
    limit: int,
) -> None:
    """`app`, reading at most `limit` bytes of the request's body (413 beyond)."""
    if scope["type"] != "http" or (headers.content_length is None and not headers.chunked):
        await app(scope, receive, send)
        return
    await call_with_body_limit(
        app, scope, receive, send, limit=limit, content_length=headers.declared_length(),
        chunked=headers.chunked,
    )


def _server_port(scope: Scope) -> int | None:
    server = scope.get("server")
    return server[1] if server else None


def _client(scope: Scope) -> str:
    client = scope.get("client")
    return str(client[0]) if client else "unknown"


def origin_ok(origin: str | None, host: str) -> bool:
    """A browser sends Origin on cross-site requests; it must name this very host."""
    if origin is None:
        return True
    return urlsplit(origin).netloc.lower() == host.lower()


def xsrf_ok(headers: RequestHeaders) -> bool:
    cookie_value = parse_cookies(headers.cookie).get(XSRF_COOKIE)
    return cookie_value is not None and tokens_match(headers.xsrf, cookie_value)


def identity_from_environ_or_token(
    identities: LocalTokenIdentityProvider, environ: dict[str, object], token: str | None
) -> Identity | None:
    """Socket.IO connect: cookie (browser) or `auth={"token": ...}` (API clients); a token
    is throttled like any other."""
    scope = environ.get("asgi.scope")
    scope = scope if isinstance(scope, dict) else {}
    cookie = environ.get("HTTP_COOKIE")
    authorization = environ.get("HTTP_AUTHORIZATION")
    port, client = _server_port(scope), _client(scope)
    identity = identities.from_cookie(cookie if isinstance(cookie, str) else None, port)
    if identity is not None:
        return identity
    result = identities.authenticate(
        authorization=authorization if isinstance(authorization, str) else None,
        cookie_header=None,
        token=token,
        port=port,
        client=client,
    )
    return result if isinstance(result, Identity) else None


async def _refuse(scope: Scope, send: Send, refused: Refused) -> None:
    extra = [] if refused.retry_after is None else [(b"retry-after", b"%d" % refused.retry_after)]
    await deny(scope, send, refused.status, refused.detail, extra)


async def deny(
    scope: Scope,
    send: Send,
    status: int,
    detail: str,
    extra_headers: list[tuple[bytes, bytes]] | None = None,
) -> None:
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
                *(extra_headers or []),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


_SECURITY_HEADER_NAMES = frozenset(name for name, _value in SECURITY_HEADERS)


def with_security_headers(send: Send) -> Send:
    async def wrapped(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = list(message.get("headers", ()))
            if any(name.lower() in _SECURITY_HEADER_NAMES for name, _value in headers):
                present = {name.lower() for name, _value in headers}
                headers += [item for item in SECURITY_HEADERS if item[0] not in present]
            else:
                headers += SECURITY_HEADERS
            message["headers"] = headers
        await send(message)

    return wrapped
