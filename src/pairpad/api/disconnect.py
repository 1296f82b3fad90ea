"""A request whose work should stop when its client goes away (a run, a completion)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from fastapi import Request


@contextlib.asynccontextmanager
async def cancel_on_disconnect(request: Request) -> AsyncIterator[asyncio.Event]:
    """An event set when the client disconnects, for the service to watch. The body must be
    read already: the next ASGI message is then `http.disconnect`."""
    cancel = asyncio.Event()
    watcher = asyncio.create_task(_watch(request, cancel))
    try:
        yield cancel
    finally:
        watcher.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await watcher


async def _watch(request: Request, cancel: asyncio.Event) -> None:
    while True:
        message = await request.receive()
        if message["type"] == "http.disconnect":
            cancel.set()
            return
