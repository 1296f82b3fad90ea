"""A Socket.IO test client that records the events it is told to, in arrival order."""

from __future__ import annotations

import asyncio
from typing import Any

import socketio

from tests.support.server import RunningServer


class RecordingClient:
    """Connects with the server's token over a websocket; `events` holds (name, payload) of
    every recorded event; `call` emits with an ack; `first` waits for a matching event."""

    recorded: tuple[str, ...] = ()
    call_timeout = 30.0

    def __init__(self) -> None:
        self.sio = socketio.AsyncClient(reconnection=False)
        self.events: list[tuple[str, dict[str, Any]]] = []
        for name in self.recorded:
            self.sio.on(name, self._recorder(name))

    def _recorder(self, name: str) -> Any:
        async def record(data: dict[str, Any]) -> None:
            self.events.append((name, data))
        return record

    async def connect(self, server: RunningServer) -> Any:
        await self.sio.connect(server.base_url, auth={"token": server.token},
                               transports=["websocket"], wait_timeout=10)
        return self

    async def call(self, event: str, data: Any) -> dict[str, Any]:
        result: dict[str, Any] = await self.sio.call(event, data, timeout=self.call_timeout)
        return result

    async def first(self, names: tuple[str, ...], key: str, value: str,
                    timeout: float = 30) -> tuple[str, dict[str, Any]]:
        """The first recorded event named one of `names` whose payload's `key` is `value`."""
        async with asyncio.timeout(timeout):
            while True:
                for name, data in self.events:
                    if name in names and data.get(key) == value:
                        return name, data
                await asyncio.sleep(0.02)

    async def close(self) -> None:
        await self.sio.disconnect()
