"""The team workspaces this instance serves: each one is the local-mode app (services,
routes, Socket.IO handlers) built on first use, on the team's database, with the role
policy, in its own Socket.IO namespace; stopped with the server."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import socketio
import structlog
from fastapi import FastAPI

from pairpad.accounts.teams import TeamWorkspace
from pairpad.ai.secrets import SecretBox
from pairpad.app import build_workspace_api
from pairpad.audit.trail import AuditSink
from pairpad.auth.identity import LocalTokenIdentityProvider
from pairpad.auth.local_token import new_token
from pairpad.auth.roles import RolePolicy
from pairpad.config import Settings
from pairpad.ratelimit.limiter import RateLimiter
from pairpad.realtime.socketio_adapter import Authenticate, NamespacedServer, SocketIOAdapter
from pairpad.services import Hosting, Services, build_services
from pairpad.storage.db import Database
from pairpad.storage.owner import Owner
from pairpad.team.database_busy import install_database_busy
from pairpad.team.leases import IndexLeases
from pairpad.team.redis import install_redis_errors

log = structlog.get_logger("pairpad.team")


def namespace_of(workspace_id: str) -> str:
    return f"/w/{workspace_id}"


def team_owner(team_id: str) -> str:
    """Rows of a team workspace (chats, providers and keys, preferences, agent runs) belong
    to its team: its members share them; providers and keys are set by its admins."""
    return f"team:{team_id}"


@dataclass
class HostedWorkspace:
    id: str
    team_id: str
    services: Services
    api: FastAPI


class WorkspaceHost:
    def __init__(
        self, *, db: Database, sio: socketio.AsyncServer, data_root: Path,
        workspaces_root: Path, overrides: dict[str, object],
        authenticate: Callable[[str], Authenticate], language_servers: bool = False,
        limiter: RateLimiter | None = None,
        index_leases: IndexLeases | None = None,
        audit: AuditSink | None = None,
    ) -> None:
        self._db = db
        self._audit = audit  # the team's audit trail: workspaces record their denials, keys…
        self._sio = sio
        self._data_root = data_root
        self._workspaces_root = workspaces_root
        self._overrides = overrides  # settings every workspace shares (from `pairpad serve`)
        self._authenticate = authenticate
        self._language_servers = language_servers
        self._limiter = limiter  # one for all workspaces: budgets are per user, not per workspace
        # Several instances on one data dir: the index jobs of a workspace run on the one
        # holding its lease (None: one instance, it runs them all).
        self._index_leases = index_leases
        self._hosted: dict[str, HostedWorkspace] = {}
        self._secret_box = SecretBox(data_root)  # one key file for all workspaces' API keys
        self._building: dict[str, asyncio.Lock] = {}

    def hosted(self, workspace_id: str) -> HostedWorkspace | None:
        return self._hosted.get(workspace_id)

    async def get(self, workspace: TeamWorkspace) -> HostedWorkspace:
        workspace_id = workspace.id
        hosted = self._hosted.get(workspace_id)
        if hosted is not None:
            return hosted
        lock = self._building.setdefault(workspace_id, asyncio.Lock())
        async with lock:
            hosted = self._hosted.get(workspace_id)
            if hosted is None:
                hosted = await self._build(workspace)
                self._hosted[workspace_id] = hosted
        return hosted

    async def _build(self, workspace: TeamWorkspace) -> HostedWorkspace:
        workspace_id, team_id = workspace.id, workspace.team_id
        settings = await asyncio.to_thread(self._settings, workspace)
        namespace = NamespacedServer(self._sio, namespace_of(workspace_id))
        realtime = SocketIOAdapter(LocalTokenIdentityProvider(new_token()), server=namespace,
                                   authenticate=self._authenticate(workspace_id))
        hosting = Hosting(
            db=self._db, owner=Owner(team_owner(team_id), workspace_id),
            authorizer=RolePolicy(), realtime=realtime, siblings_root=self._workspaces_root,
            hidden=(self._data_root,), secret_box=self._secret_box, audit=self._audit,
            index_lease=None if self._index_leases is None else self._index_leases(
                workspace_id, settings.index.lease_ttl_seconds))
        # The token of local mode authenticates nobody here (the identity provider above is
        # only the adapter's fallback, never reached with `authenticate` set).
        services = build_services(settings, new_token(), hosting)
        api = build_workspace_api(services, limiter=self._limiter)
        install_redis_errors(api)  # Redis down in a route: 503, not the catch-all's 500
        install_database_busy(api)  # the same for the database's pool exhausted or lost
        await services.start()
        log.info("workspace started", workspace_id=workspace_id, team_id=team_id)
        return HostedWorkspace(workspace_id, team_id, services, api)

    def _settings(self, workspace: TeamWorkspace) -> Settings:
        values = {
            **self._overrides,
            "workspace": workspace.folder,
            "workspace_name": workspace.name,
            "data_dir": self._data_root / "workspaces" / workspace.id,
            "open_browser": False,
        }
        settings = Settings(**values)  # type: ignore[arg-type]
        # Team mode never runs a command unconfined, whatever a config file says.
        runtime = settings.runtime.model_copy(update={"allow_unsandboxed": False})
        # The embedded model's server starts on a workspace's first AI request, not with
        # every workspace someone opens.
        local = settings.ai.local.model_copy(update={"preload": False})
        ai = settings.ai.model_copy(update={"local": local})
        lsp = settings.lsp.model_copy(
            update={"enabled": settings.lsp.enabled and self._language_servers})
        return settings.model_copy(update={"runtime": runtime, "ai": ai, "lsp": lsp})

    async def stop(self) -> None:
        hosted, self._hosted = list(self._hosted.values()), {}
        for workspace in hosted:
            try:
                await workspace.services.stop()
            except Exception:
                log.exception("workspace stop failed", workspace_id=workspace.id)
