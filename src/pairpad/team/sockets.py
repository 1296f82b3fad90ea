"""Team mode's Socket.IO: one server, a namespace per workspace (`/w/{id}`).

A socket names its workspace by namespace; it is accepted only for a signed-in member of
the team owning it (access cookie, `Authorization: Bearer`, or `auth={"token": ACCESS}`),
with their role. The first socket of a workspace starts it (WorkspaceHost), which registers
the workspace's handlers on its namespace; later sockets go straight to them.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

import socketio
import structlog

from pairpad.accounts.cookies import ACCESS_COOKIE
from pairpad.accounts.team_services import TeamServices
from pairpad.auth.identity import Identity, bearer_token, parse_cookies
from pairpad.realtime.socketio_adapter import Authenticate
from pairpad.team.host import WorkspaceHost
from pairpad.telemetry.sockets import socket_disconnected

log = structlog.get_logger("pairpad.team")
WORKSPACE_NAMESPACE = re.compile(r"/w/([A-Za-z0-9_-]{1,32})")


def socket_authenticator(team: TeamServices) -> Any:
    """`for_workspace(id)` → the adapter's authenticate callback for that namespace."""

    def for_workspace(workspace_id: str) -> Authenticate:
        async def authenticate(environ: dict[str, Any], auth: Any) -> Identity | None:
            identity = await _signed_in(team, environ, auth)
            if identity is None:
                return None
            role = await team.teams.role_in_workspace(identity.user_id, workspace_id)
            return replace(identity, role=role) if role is not None else None

        return authenticate

    return for_workspace


async def _signed_in(team: TeamServices, environ: dict[str, Any], auth: Any) -> Identity | None:
    token = auth.get("token") if isinstance(auth, dict) else None
    if isinstance(token, str) and token:
        return await team.accounts.identity_from_access_token(token, "socket-auth")
    authorization = environ.get("HTTP_AUTHORIZATION")
    if isinstance(authorization, str) and (bearer := bearer_token(authorization)):
        return await team.accounts.identity_from_access_token(bearer, "bearer")
    cookie = environ.get("HTTP_COOKIE")
    access = parse_cookies(cookie).get(ACCESS_COOKIE) if isinstance(cookie, str) else None
    if access:
        return await team.accounts.identity_from_access_token(access, "cookie")
    return None


def install_namespace_dispatch(sio: socketio.AsyncServer, team: TeamServices,
                               host: WorkspaceHost) -> None:
    authenticator = socket_authenticator(team)

    async def connect_any(namespace: str, sid: str, environ: dict[str, Any],
                          auth: Any = None) -> None:
        match = WORKSPACE_NAMESPACE.fullmatch(namespace)
        if match is None:
            raise socketio.exceptions.ConnectionRefusedError("unknown namespace")
        workspace_id = match.group(1)
        if await authenticator(workspace_id)(environ, auth) is None:
            log.info("socket refused", reason="not a member", namespace=namespace)
            raise socketio.exceptions.ConnectionRefusedError("unauthorized")
        workspace = await team.teams.workspace(workspace_id)
        if workspace is None:
            raise socketio.exceptions.ConnectionRefusedError("unauthorized")
        hosted = await host.get(workspace)
        await hosted.services.realtime.connect(sid, environ, auth)

    async def disconnect_any(namespace: str, sid: str, *_reason: Any) -> None:
        # A workspace's adapter uncounts its sockets; this catches any namespace without
        # one (uncounting is idempotent, so never below what was counted).
        socket_disconnected(namespace, sid)

    sio.on("connect", connect_any, namespace="*")
    sio.on("disconnect", disconnect_any, namespace="*")
