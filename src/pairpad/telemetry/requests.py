"""Per-request id and access log line."""

from __future__ import annotations

import itertools
import os
import time

import structlog
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from pairpad.telemetry.logging import log_access


class RequestIdMiddleware:
    """Binds `request_id` into the log context and echoes it as `X-Request-ID`.

    Ids are a per-process random prefix and a counter: unique, and far cheaper per request
    than uuid4. The access line is rendered and written by the log thread (telemetry.logging).
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._prefix = os.urandom(4).hex()
        self._counter = itertools.count(1)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = f"{self._prefix}{next(self._counter):08x}"
        header = (b"x-request-id", request_id.encode())
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", ()), header]
            await send(message)

        # Set and reset the one variable: structlog's `bound_contextvars` copies the whole
        # context twice to restore what was there, which cost more than the rest of this.
        tokens = structlog.contextvars.bind_contextvars(request_id=request_id)
        try:
            await self.app(scope, receive, send_with_id)
        finally:
            structlog.contextvars.reset_contextvars(**tokens)
            log_access(
                request_id,
                _user_id(scope),
                method=scope.get("method"),
                path=scope["path"],
                status=status,
                ms=round((time.perf_counter() - started) * 1000, 1),
            )


def _user_id(scope: Scope) -> str | None:
    """Who the guard found the caller to be (scope state `identity`), if anyone."""
    state = scope.get("state")
    user_id = getattr(state.get("identity"), "user_id", None) if state else None
    return user_id if isinstance(user_id, str) else None
