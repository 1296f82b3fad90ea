"""The Socket.IO transport: authentication on connect, rooms, and delivery of bus events.

Every authenticated socket joins the workspace room, where `Broadcast` events go; a `Room`
event goes to that room (a conversation's: `chat:{id}`). Client → server handlers live in
`realtime/handlers/` and are registered by the app beside the routers.

Team mode: one Socket.IO server for the whole deployment, a namespace per workspace
(`/w/{id}`): the adapter of a workspace gets that server bound to its namespace
(`NamespacedServer`), so handlers and rooms stay the same as in local mode.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import socketio
import structlog

from pairpad.auth.identity import Identity, LocalTokenIdentityProvider
from pairpad.auth.middleware import identity_from_environ_or_token
from pairpad.events.bus import EventBus
from pairpad.events.models import Broadcast, ServerEvent
from pairpad.telemetry.sockets import socket_connected, socket_disconnected

log = structlog.get_logger("pairpad.realtime")

WORKSPACE_ROOM = "workspace"


# Who a connecting socket is (its WSGI-style environ and `auth` payload), or None: refused.
Authenticate = Callable[[dict[str, Any], Any], Awaitable[Identity | None]]


def new_server(**options: Any) -> socketio.AsyncServer:
    # cors_allowed_origins=[]: Engine.IO sends no CORS headers at all (with None it echoed
    # a same-origin Origin in Access-Control-Allow-Origin); foreign Origins are refused
    # in front of it by the security middleware, for polling and WebSocket alike.
    return socketio.AsyncServer(async_mode="asgi", cors_allowed_origins=[], logger=False,
                                engineio_logger=False, **options)


class NamespacedServer:
    """A Socket.IO server as one namespace sees it: the calls the handlers make, with
    `namespace=` filled in (team mode's `/w/{id}`)."""

    def __init__(self, server: socketio.AsyncServer, namespace: str) -> None:
        self.server = server
        self.namespace = namespace

    def on(self, event: str, handler: Callable[..., Any] | None = None) -> Any:
        return self.server.on(event, handler, namespace=self.namespace)

    async def emit(self, event: str, data: Any = None, **options: Any) -> None:
        await self.server.emit(event, data, namespace=self.namespace, **options)

    async def enter_room(self, sid: str, room: str) -> None:
        await self.server.enter_room(sid, room, namespace=self.namespace)

    async def leave_room(self, sid: str, room: str) -> None:
        await self.server.leave_room(sid, room, namespace=self.namespace)

    async def save_session(self, sid: str, session: dict[str, Any]) -> None:
        await self.server.save_session(sid, session, namespace=self.namespace)

    async def get_session(self, sid: str) -> dict[str, Any]:
        return dict(await self.server.get_session(sid, namespace=self.namespace))

    async def disconnect(self, sid: str) -> None:
        await self.server.disconnect(sid, namespace=self.namespace)


class SocketIOAdapter:
    """Owns the Socket.IO server; maps each published event to `sio.emit(name, payload, room)`."""

    def __init__(
        self,
        identities: LocalTokenIdentityProvider,
        client_manager: socketio.AsyncManager | None = None,
        *,
        server: NamespacedServer | None = None,
        authenticate: Authenticate | None = None,
    ) -> None:
        self._identities = identities
        self._authenticate = authenticate
        # `Any`: the handlers call the same methods on a server or on one namespace of it.
        self.sio: Any = server if server is not None else new_server(client_manager=client_manager)
        self._namespace = server.namespace if server is not None else "/"
        self.sio.on("connect", self._on_connect)
        self.sio.on("disconnect", self._on_disconnect)
        self._disconnect_listeners: list[Callable[[str], Awaitable[None]]] = []

    def attach(self, bus: EventBus) -> None:
        """Deliver every event published on `bus` to its clients."""
        bus.subscribe(self.deliver)

    async def deliver(self, event: ServerEvent) -> None:
        target = event.target()
        room = WORKSPACE_ROOM if isinstance(target, Broadcast) else target.name
        # ignore_queue: this instance's clients only (team mode's Redis fan-out skipped).
        await self.sio.emit(event.name, event.payload(), room=room,
                            ignore_queue=not event.fan_out)

    async def send_to(self, sid: str, event: ServerEvent) -> None:
        """One socket only (a replay after reconnect)."""
        await self.sio.emit(event.name, event.payload(), to=sid)

    def on_disconnect(self, listener: Callable[[str], Awaitable[None]]) -> None:
        """Call `listener(sid)` when a socket goes away (a feature stops what it started)."""
        self._disconnect_listeners.append(listener)

    async def _on_disconnect(self, sid: str, *_reason: Any) -> None:
        socket_disconnected(self._namespace, sid)
        for listener in list(self._disconnect_listeners):
            try:
                await listener(sid)
            except Exception:
                log.exception("disconnect listener failed")

    async def connect(self, sid: str, environ: dict[str, Any], auth: Any = None) -> None:
        """A socket's connect (team mode calls it for the first socket of a namespace)."""
        await self._on_connect(sid, environ, auth)

    async def _on_connect(self, sid: str, environ: dict[str, Any], auth: Any = None) -> None:
        if self._authenticate is not None:
            identity = await self._authenticate(environ, auth)
        else:
            token = auth.get("token") if isinstance(auth, dict) else None
            identity = identity_from_environ_or_token(self._identities, environ, token)
        if identity is None:
            log.info("socket refused", reason="unauthenticated")
            raise socketio.exceptions.ConnectionRefusedError("unauthorized")
        await self.sio.save_session(sid, {"identity": identity})
        await self.sio.enter_room(sid, WORKSPACE_ROOM)
        socket_connected(self._namespace, sid)  # accepted: every connect ends here
