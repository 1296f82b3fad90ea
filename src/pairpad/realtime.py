"""Socket.IO server: authentication on connect, rooms, and the event names of DESIGN.md §5."""

from __future__ import annotations

from typing import Any

import socketio
import structlog

from pairpad.auth.identity import LocalTokenIdentityProvider
from pairpad.auth.middleware import identity_from_environ_or_token

log = structlog.get_logger("pairpad.realtime")

WORKSPACE_ROOM = "workspace"

FS_CHANGED = "fs:changed"
CHAT_SEND = "chat:send"
CHAT_DELTA = "chat:delta"
CHAT_DONE = "chat:done"
CHAT_ERROR = "chat:error"
CHAT_CANCEL = "chat:cancel"
INDEX_PROGRESS = "index:progress"


class Realtime:
    """Owns the Socket.IO server; features register their own event handlers on `sio`."""

    def __init__(self, identities: LocalTokenIdentityProvider) -> None:
        self._identities = identities
        # cors_allowed_origins=[]: Engine.IO sends no CORS headers at all (with None it echoed
        # a same-origin Origin in Access-Control-Allow-Origin); foreign Origins are refused
        # in front of it by LocalSecurityMiddleware, for polling and WebSocket alike.
        self.sio = socketio.AsyncServer(
            async_mode="asgi", cors_allowed_origins=[], logger=False, engineio_logger=False
        )
        self.sio.on("connect", self._on_connect)

    async def _on_connect(self, sid: str, environ: dict[str, Any], auth: Any = None) -> None:
        token = auth.get("token") if isinstance(auth, dict) else None
        identity = identity_from_environ_or_token(self._identities, environ, token)
        if identity is None:
            log.info("socket refused", reason="unauthenticated")
            raise socketio.exceptions.ConnectionRefusedError("unauthorized")
        await self.sio.save_session(sid, {"identity": identity})
        await self.sio.enter_room(sid, WORKSPACE_ROOM)

    async def broadcast(self, event: str, data: Any) -> None:
        await self.sio.emit(event, data, room=WORKSPACE_ROOM)
