"""Requests still running when the server stops get a 503 that says so, not a 500.

At shutdown uvicorn waits `timeout_graceful_shutdown` seconds for open requests, then
cancels them; a cancelled request would otherwise surface as "Exception in ASGI
application" and a 500 — a page that opened a file while the embedded model was still
loading saw exactly that. Only uvicorn cancels request tasks, so a cancellation here is the
server going away.
"""

from __future__ import annotations

import asyncio
import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

DETAIL = ("Pairpad is shutting down and cut this request off; retry once it is running "
          "again.")


class ShutdownAnswerMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except asyncio.CancelledError:
            if started:
                raise  # half a response is out: nothing truthful left to say
            body = json.dumps({"detail": DETAIL}).encode()
            await send({"type": "http.response.start", "status": 503, "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"retry-after", b"5"),
                (b"connection", b"close")]})
            await send({"type": "http.response.body", "body": body})
