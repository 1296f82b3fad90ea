"""Team mode's database overloaded or lost, answered as 503 + `Retry-After` wherever it is
raised (the session guard, the workspace dispatcher, a route) instead of a bare 500.

Two SQLAlchemy errors mean "not now" rather than "a bug": the pool had no free connection
within its `pool_timeout` (every connection busy: the instance is overloaded), and a
connection the server closed (PostgreSQL restarted: the pool is invalidated and the next
request reconnects)."""

from __future__ import annotations

import json

import structlog
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy import exc as sa_errors
from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = structlog.get_logger("pairpad.team")
RETRY_AFTER_S = 2  # a pool frees a connection within milliseconds once the load drops
_HEADERS = {"Retry-After": str(RETRY_AFTER_S), "Cache-Control": "no-store"}


def database_busy_detail(error: BaseException) -> str | None:
    """The 503's text when `error` is the pool exhausted or a lost connection; else None."""
    if isinstance(error, sa_errors.TimeoutError):
        return ("The database pool is exhausted: every connection of this instance stayed "
                "busy for the whole wait, so the server is overloaded. Retry in a few seconds; "
                "if it lasts, add instances or CPU.")
    if isinstance(error, sa_errors.DBAPIError) and error.connection_invalidated:
        return ("The connection to the database was lost (was PostgreSQL restarted?). "
                "Retry: the next request reconnects.")
    return None


def _answer(detail: str) -> tuple[bytes, list[tuple[bytes, bytes]]]:
    body = json.dumps({"detail": detail}).encode()
    return body, [(b"content-type", b"application/json"),
                  (b"content-length", str(len(body)).encode()),
                  *((name.lower().encode(), value.encode()) for name, value in _HEADERS.items())]


class DatabaseBusyMiddleware:
    """Database busy or lost anywhere below (the token check, the role lookup) → 503 with
    `Retry-After` instead of the server's bare 500."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except (sa_errors.TimeoutError, sa_errors.DBAPIError) as error:
            detail = database_busy_detail(error)
            if started or detail is None:
                raise
            body, headers = _answer(detail)
            await send({"type": "http.response.start", "status": 503, "headers": headers})
            await send({"type": "http.response.body", "body": body})


def install_database_busy(api: FastAPI) -> None:
    """Inside a FastAPI app the catch-all handler would make these a 500 before the
    middleware sees them: answer the 503 here (other database errors stay 500s)."""

    async def database_busy(_request: Request, error: Exception) -> JSONResponse:
        detail = database_busy_detail(error)
        if detail is None:  # any other database error: the catch-all's 500, as before
            log.exception("unhandled error", exc_info=error)
            return JSONResponse({"detail": f"Internal error ({type(error).__name__}); see the "
                                 "server log."}, status_code=500)
        return JSONResponse({"detail": detail}, status_code=503, headers=_HEADERS)

    api.add_exception_handler(sa_errors.TimeoutError, database_busy)
    api.add_exception_handler(sa_errors.DBAPIError, database_busy)
