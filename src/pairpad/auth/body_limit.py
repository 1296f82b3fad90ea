"""A ceiling on request bodies, enforced before they are read (finding 8 of issue 9).

A declared Content-Length over the limit is refused before the app runs; a body without
one (chunked) is counted as it streams, and the moment it passes the limit the client gets
the 413 and the app sees a disconnect instead of more bytes. Either way at most `limit`
bytes are ever handed to the app.
"""

from __future__ import annotations

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send


def too_large_response(limit: int) -> tuple[Message, Message]:
    body = json.dumps({"detail": f"Request body too large: the limit is {limit} bytes."}).encode()
    start: Message = {
        "type": "http.response.start",
        "status": 413,
        "headers": [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            (b"connection", b"close"),
        ],
    }
    return start, {"type": "http.response.body", "body": body}


async def send_too_large(send: Send, limit: int) -> None:
    for message in too_large_response(limit):
        await send(message)


class _CountedBody:
    """The receive/send pair handed to the app for a body of unknown length."""

    __slots__ = ("_receive", "_send", "limit", "received", "rejected", "started")

    def __init__(self, receive: Receive, send: Send, limit: int) -> None:
        self._receive = receive
        self._send = send
        self.limit = limit
        self.received = 0
        self.rejected = False
        self.started = False

    async def receive(self) -> Message:
        if self.rejected:
            return {"type": "http.disconnect"}
        message = await self._receive()
        if message["type"] == "http.request":
            self.received += len(message.get("body", b""))
            if self.received > self.limit:
                self.rejected = True
                if not self.started:
                    await send_too_large(self._send, self.limit)
                return {"type": "http.disconnect"}
        return message

    async def send(self, message: Message) -> None:
        if self.rejected:
            return  # the 413 went out instead of whatever the app answers to the disconnect
        if message["type"] == "http.response.start":
            self.started = True
        await self._send(message)


async def call_with_body_limit(
    app: ASGIApp,
    scope: Scope,
    receive: Receive,
    send: Send,
    *,
    limit: int,
    content_length: int | None,
    chunked: bool,
) -> None:
    if content_length is not None and content_length > limit:
        await send_too_large(send, limit)
        return
    if not chunked:
        # A declared length within the limit: the server never delivers more than declared.
        await app(scope, receive, send)
        return
    counted = _CountedBody(receive, send, limit)
    try:
        await app(scope, counted.receive, counted.send)
    except Exception:
        if not counted.rejected:
            raise  # the app's own error; after a 413 its reaction to the disconnect is noise
