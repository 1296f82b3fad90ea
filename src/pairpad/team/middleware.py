"""Team mode's guard in front of every HTTP and WebSocket request.

The local-mode guard's checks (Host allow-list, Origin, XSRF double-submit for cookie
writes, body ceiling, security headers), with accounts instead of the one token: the
identity comes from `Authorization: Bearer <access JWT>` or the access cookie. Routes of
the team app declare whether they need it (`signed_in`); everything under `/w/{id}` needs
it and a role in the team owning that workspace (checked by the dispatcher, team/app.py).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Protocol

import structlog
from starlette.types import ASGIApp, Receive, Scope, Send

from pairpad.accounts.cookies import ACCESS_COOKIE
from pairpad.auth.hosts import host_name
from pairpad.auth.identity import CredentialKind, Identity, bearer_token, parse_cookies
from pairpad.auth.middleware import (
    SAFE_METHODS,
    RequestHeaders,
    call_with_limit,
    deny,
    origin_ok,
    with_security_headers,
    xsrf_ok,
)


class VerifyAccess(Protocol):
    """Resolves an access token to its user (AccountService.identity_from_access_token);
    with a workspace id, the user's role there too, in the same database round trip."""

    def __call__(self, token: str, via: CredentialKind, /,
                 workspace_id: str | None = None) -> Awaitable[Identity | None]: ...


# The workspace id a request's path names (`/w/{id}/…`), if any.
WorkspaceOf = Callable[[str], str | None]


class TeamSecurityMiddleware:
    def __init__(
        self, app: ASGIApp, verify: VerifyAccess, allowed_hosts: frozenset[str],
        max_body_size: int, workspace_of: WorkspaceOf | None = None,
    ) -> None:
        self.app = app
        self.verify = verify
        self.workspace_of = workspace_of
        self.allowed_hosts = allowed_hosts
        self.max_body_size = max_body_size

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        if scope["type"] == "http":
            send = with_security_headers(send)
        headers = RequestHeaders(scope["headers"])
        if headers.hosts != 1 or host_name(headers.host or "") not in self.allowed_hosts:
            await deny(scope, send, 403, "Host not allowed: add it to the server's "
                        "allowed hosts or its --public-url.")
            return
        if not origin_ok(headers.origin, headers.host or ""):
            await deny(scope, send, 403, "Cross-origin request refused.")
            return
        workspace_id = (self.workspace_of(scope["path"])
                        if self.workspace_of is not None and scope["type"] == "http" else None)
        identity = await self._identity(headers, workspace_id)
        if identity is False:
            await deny(scope, send, 401, "Invalid or expired access token: refresh it "
                        "(POST /api/auth/refresh) or sign in again.")
            return
        method: str = scope.get("method", "GET")
        if (isinstance(identity, Identity) and identity.via == "cookie"
                and method not in SAFE_METHODS and not xsrf_ok(headers)):
            await deny(scope, send, 403, "Missing or wrong X-XSRF-Token header.")
            return
        state = scope.setdefault("state", {})
        if not isinstance(identity, Identity):
            await call_with_limit(self.app, scope, receive, send, headers, self.max_body_size)
            return
        state["identity"] = identity
        # Every log line of the request names the user. Set and reset the one variable,
        # as telemetry.requests does for the request id (cheaper than bound_contextvars).
        tokens = structlog.contextvars.bind_contextvars(user_id=identity.user_id)
        try:
            await call_with_limit(self.app, scope, receive, send, headers, self.max_body_size)
        finally:
            structlog.contextvars.reset_contextvars(**tokens)

    async def _identity(self, headers: RequestHeaders, workspace_id: str | None
                        ) -> Identity | bool | None:
        """The caller; None when no credentials came; False when a Bearer token is wrong
        (an API client must hear so). A stale cookie counts as no credentials: public
        pages and sign-in still work, and the UI refreshes on the 401 of a private route."""
        if headers.authorization:
            token = bearer_token(headers.authorization)
            identity = await self.verify(token, "bearer", workspace_id) if token else None
            return identity if identity is not None else False
        cookie = parse_cookies(headers.cookie).get(ACCESS_COOKIE) if headers.cookie else None
        if cookie:
            return await self.verify(cookie, "cookie", workspace_id)
        return None
