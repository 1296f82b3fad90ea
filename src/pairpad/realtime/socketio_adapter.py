"""The Socket.IO transport: authentication on connect, rooms, and delivery of bus events.

Every authenticated socket joins the workspace room, where `Broadcast` events go; a `Room`
event goes to that room (a conversation's: `chat:{id}`). Client → server handlers live in
`realtime/handlers/` and are registered by the app beside the routers.

Team mode: pass `client_manager=socketio.AsyncRedisManager(url)`; every `emit` then reaches
the sockets of that room on all instances. Services and the bus do not change.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import socketio
import structlog

from pairpad.auth.identity import LocalTokenIdentityProvider
from pairpad.auth.middleware import identity_from_environ_or_token
from pairpad.events.bus import EventBus
from pairpad.events.models import Broadcast, ServerEvent

log = structlog.get_logger("pairpad.realtime")

WORKSPACE_ROOM = "workspace"


class SocketIOAdapter:
    """Owns the Socket.IO server; maps each published event to `sio.emit(name, payload, room)`."""

    def __init__(
        self,
        identities: LocalTokenIdentityProvider,
        client_manager: socketio.AsyncManager | None = None,
    ) -> None:
        self._identities = identities
        # cors_allowed_origins=[]: Engine.IO sends no CORS headers at all (with None it echoed
        # a same-origin Origin in Access-Control-Allow-Origin); foreign Origins are refused
        # in front of it by LocalSecurityMiddleware, for polling and WebSocket alike.
        self.sio = socketio.AsyncServer(
            async_mode="asgi", cors_allowed_origins=[], logger=False, engineio_logger=False,
            client_manager=client_manager,
        )
        self.sio.on("connect", self._on_connect)
        self.sio.on("disconnect", self._on_disconnect)
        self._disconnect_listeners: list[Callable[[str], Awaitable[None]]] = []

    def attach(self, bus: EventBus) -> None:
        """Deliver every event published on `bus` to its clients."""
        bus.subscribe(self.deliver)

    async def deliver(self, event: ServerEvent) -> None:
        target = event.target()
        room = WORKSPACE_ROOM if isinstance(target, Broadcast) else target.name
        await self.sio.emit(event.name, event.payload(), room=room)

    async def send_to(self, sid: str, event: ServerEvent) -> None:
        """One socket only (a replay after reconnect)."""
        await self.sio.emit(event.name, event.payload(), to=sid)

    def on_disconnect(self, listener: Callable[[str], Awaitable[None]]) -> None:
        """Call `listener(sid)` when a socket goes away (a feature stops what it started)."""
        self._disconnect_listeners.append(listener)

    async def _on_disconnect(self, sid: str, *_reason: Any) -> None:
        for listener in list(self._disconnect_listeners):
            try:
                await listener(sid)
            except Exception:
                log.exception("disconnect listener failed")

    async def _on_connect(self, sid: str, environ: dict[str, Any], auth: Any = None) -> None:
        token = auth.get("token") if isinstance(auth, dict) else None
        identity = identity_from_environ_or_token(self._identities, environ, token)
        if identity is None:
            log.info("socket refused", reason="unauthenticated")
            raise socketio.exceptions.ConnectionRefusedError("unauthorized")
        await self.sio.save_session(sid, {"identity": identity})
        await self.sio.enter_room(sid, WORKSPACE_ROOM)
