"""The team-mode ASGI app: accounts, teams and sign-in routes, the team UI's pages, one
Socket.IO server, and every team workspace's local-mode app under `/w/{id}`."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from urllib.parse import quote, urlsplit

import socketio
import structlog
from fastapi import FastAPI
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send

from pairpad import __version__
from pairpad.accounts.settings import TeamSettings
from pairpad.accounts.team_services import TeamServices
from pairpad.api import audit as audit_api
from pairpad.api import auth as auth_api
from pairpad.api import health
from pairpad.api import oauth as oauth_api
from pairpad.api import passkeys as passkeys_api
from pairpad.api import teams as teams_api
from pairpad.api.methods import install_method_fallback
from pairpad.api.openapi import AccountsAuth, describe_accounts_auth
from pairpad.api.team_deps import public_operations
from pairpad.app import STATIC_DIR, install_error_handlers
from pairpad.auth.hosts import allowed_host_names, host_name
from pairpad.auth.identity import Identity
from pairpad.config import Settings
from pairpad.ratelimit.limiter import RateLimiter
from pairpad.ratelimit.middleware import RateLimitMiddleware
from pairpad.realtime.socketio_adapter import new_server
from pairpad.shutdown_answer import ShutdownAnswerMiddleware
from pairpad.team.build import build_team_services
from pairpad.team.database_busy import DatabaseBusyMiddleware, install_database_busy
from pairpad.team.fanout import FanOutManager
from pairpad.team.host import WorkspaceHost
from pairpad.team.leases import redis_index_leases
from pairpad.team.middleware import TeamSecurityMiddleware
from pairpad.team.redis import RedisUnavailableMiddleware, install_redis_errors
from pairpad.team.sockets import install_namespace_dispatch, socket_authenticator
from pairpad.telemetry.http_metrics import RequestMetricsMiddleware, carry_route, set_route_label
from pairpad.telemetry.metrics_endpoint import MetricsEndpoint
from pairpad.telemetry.requests import RequestIdMiddleware

log = structlog.get_logger("pairpad.team")
WORKSPACE_ROUTE = "/w/{workspace_id}"  # the request metrics' label prefix
WORKSPACE_PATH = re.compile(r"/w/([A-Za-z0-9_-]{1,32})(/.*)?")
# The team UI's pages (frontend/team.html routes them client-side).
TEAM_PAGES = ("/", "/signin", "/signup", "/account", "/account/link", "/reset-password",
              "/verify-email", "/teams/{team_id}", "/invite/{token}", "/admin/audit")
NO_WORKSPACE = "No such workspace, or you are not a member of the team that owns it."


class TeamApp:
    """The ASGI app of `pairpad serve`; typed handles for the server and tests."""

    def __init__(self, settings: Settings, team: TeamServices, host: WorkspaceHost,
                 api: FastAPI, sio: socketio.AsyncServer, limiter: RateLimiter | None = None
                 ) -> None:
        self.settings = settings
        self.team = team
        self.host = host
        self.api = api
        self.sio = sio
        self.limiter = limiter or _limiter(settings, team.settings)
        allowed = allowed_host_names(settings.host, [*settings.allowed_hosts,
                                                     *_public_host(team.settings)])
        # Inside the guard, which puts the signed-in user in scope["state"]["identity"].
        inner = RateLimitMiddleware(socketio.ASGIApp(sio, other_asgi_app=self._dispatch),
                                    self.limiter, route_path=_route_path)
        guarded = ShutdownAnswerMiddleware(TeamSecurityMiddleware(
            inner, team.accounts.identity_from_access_token, allowed,
            settings.max_request_body, workspace_of=_workspace_of))
        # /metrics is answered before the session guard: a scraper has no account.
        metrics = MetricsEndpoint(guarded, settings.metrics_token,
                                  lambda host: host_name(host) in allowed)
        # Redis down anywhere below: 503 + Retry-After.
        served: ASGIApp = (RedisUnavailableMiddleware(metrics, team.settings.redis_url)
                           if team.settings.redis_url else metrics)
        served = DatabaseBusyMiddleware(served)  # pool exhausted, connection lost: 503
        self._asgi = RequestMetricsMiddleware(RequestIdMiddleware(served))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self._asgi(scope, receive, send)

    async def _dispatch(self, scope: Scope, receive: Receive, send: Send) -> None:
        match = WORKSPACE_PATH.fullmatch(scope["path"]) if scope["type"] == "http" else None
        if match is None:
            await self.api(scope, receive, send)
            return
        await self._workspace(scope, receive, send, match.group(1), match.group(2) or "")

    async def _workspace(self, scope: Scope, receive: Receive, send: Send,
                         workspace_id: str, rest: str) -> None:
        """`/w/{id}/…`: a member of the owning team gets that workspace's app with their
        role; anybody else the same 404 as for a workspace that does not exist."""
        set_route_label(scope, WORKSPACE_ROUTE)  # what it is until the inner app says more
        state = scope.get("state", {})
        identity = state.get("identity")
        is_page = scope.get("method") == "GET" and not rest.startswith("/api/")
        if not isinstance(identity, Identity):
            if is_page:
                await _redirect(send, "/signin?next=" + quote(scope["path"], safe="/"))
            else:
                await _json(send, 401, "Not signed in: sign in at /signin, or send "
                            "`Authorization: Bearer ACCESS_TOKEN`.")
            return
        role = (identity.role if identity.role_for == workspace_id  # read with the token
                else await self.team.teams.role_in_workspace(identity.user_id, workspace_id))
        if role is None:
            await _json(send, 404, NO_WORKSPACE)
            return
        if rest == "":
            await _redirect(send, f"/w/{workspace_id}/")
            return
        hosted = self.host.hosted(workspace_id)
        if hosted is None:
            workspace = await self.team.teams.workspace(workspace_id)
            if workspace is None:
                await _json(send, 404, NO_WORKSPACE)
                return
            hosted = await self.host.get(workspace)
        inner = dict(scope)
        inner["state"] = {**state, "identity": replace(identity, role=role)}
        inner["root_path"] = scope.get("root_path", "") + f"/w/{workspace_id}"
        inner["path"] = rest
        inner["raw_path"] = rest.encode()
        try:
            await hosted.api(inner, receive, send)
        finally:  # the request metrics see the outer scope: hand them the inner route
            carry_route(scope, inner, WORKSPACE_ROUTE)


def create_team_app(settings: Settings, team_settings: TeamSettings) -> TeamApp:
    """`settings`: what every workspace shares (AI, runtime, limits); `team_settings`: the
    deployment (database, workspaces root, public URL, sign-in providers)."""
    team = build_team_services(team_settings)
    # Several instances: every emit also goes through Redis to the other instances' clients.
    fan_out = FanOutManager(team_settings.redis_url) if team_settings.redis_url else None
    # namespaces="*": any `/w/{id}`, the catch-all connect decides.
    sio = new_server(namespaces="*", client_manager=fan_out)
    limiter = _limiter(settings, team_settings)
    host = WorkspaceHost(
        db=team.db, sio=sio, data_root=settings.data_dir,
        workspaces_root=team_settings.workspaces_dir,
        overrides=_shared_overrides(settings), authenticate=socket_authenticator(team),
        language_servers=team_settings.language_servers, limiter=limiter,
        index_leases=None if team.redis is None else redis_index_leases(team.redis),
        audit=team.audit)
    install_namespace_dispatch(sio, team, host)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        team_settings.workspaces_dir.mkdir(parents=True, exist_ok=True)
        await team.db.migrate()
        await team.accounts.start()
        log.info("team server started", version=__version__,
                 workspaces=str(team_settings.workspaces_dir))
        try:
            yield
        finally:
            await host.stop()
            await limiter.close()
            await team.db.dispose()
            if fan_out is not None:
                await fan_out.close()
            if team.redis is not None:
                await team.redis.aclose()
            log.info("stopped")

    api = FastAPI(title="Pairpad (team)", version=__version__, lifespan=lifespan,
                  openapi_url="/api/openapi.json", docs_url=None, redoc_url=None)
    api.state.team = team
    health.install_readiness(api, _readiness_checks(team))
    install_error_handlers(api)
    install_redis_errors(api)
    install_database_busy(api)
    routers = [module.router for module in (health, auth_api, oauth_api, passkeys_api, teams_api,
                                            audit_api)]
    for router in routers:
        api.include_router(router)
    describe_accounts_auth(api, AccountsAuth(public=public_operations(routers)))
    _mount_team_ui(api)
    return TeamApp(settings, team, host, api, sio, limiter)


def _limiter(settings: Settings, team_settings: TeamSettings) -> RateLimiter:
    """Counts in Redis, shared by every instance, when there is one; else in this process."""
    return RateLimiter.from_settings(settings.limits, team=True,
                                     redis_url=team_settings.redis_url)


def _workspace_of(path: str) -> str | None:
    match = WORKSPACE_PATH.fullmatch(path)
    return None if match is None else match.group(1)


def _route_path(path: str) -> str:
    """What a workspace's app routes on: the path without its `/w/{id}`."""
    match = WORKSPACE_PATH.fullmatch(path)
    return path if match is None else match.group(2) or ""


def _readiness_checks(team: TeamServices) -> dict[str, health.ReadinessCheck]:
    checks = {"database": health.database_check(team.db)}
    if team.redis is not None and team.settings.redis_url:  # --redis-url given
        checks["redis"] = health.redis_check(team.redis, team.settings.redis_url)
    return checks


def _shared_overrides(settings: Settings) -> dict[str, object]:
    """The serve command's settings each workspace's own Settings starts from."""
    return settings.model_dump(include={"ai", "index", "runtime", "terminal", "agent", "lsp",
                                        "max_file_size", "secret_patterns", "search_timeout",
                                        "log_level"}, exclude_unset=True)


def _public_host(team_settings: TeamSettings) -> list[str]:
    if not team_settings.public_url:
        return []
    host = urlsplit(team_settings.public_url).hostname
    return [host] if host else []


def _mount_team_ui(api: FastAPI) -> None:
    install_method_fallback(api)
    page = STATIC_DIR / "team.html"

    async def team_page() -> Response:
        if not page.is_file():
            return JSONResponse({"detail": "The Pairpad UI is not built: run `make` in the "
                                 "repository."}, status_code=503)
        return FileResponse(page, headers={"cache-control": "no-cache"})

    for path in TEAM_PAGES:
        api.add_api_route(path, team_page, methods=["GET"], include_in_schema=False)
    if STATIC_DIR.is_dir():
        api.mount("/", StaticFiles(directory=STATIC_DIR), name="assets")


async def _redirect(send: Send, location: str) -> None:
    await send({"type": "http.response.start", "status": 303,
                "headers": [(b"location", location.encode()), (b"cache-control", b"no-store"),
                            (b"content-length", b"0")]})
    await send({"type": "http.response.body", "body": b""})


async def _json(send: Send, status: int, detail: str) -> None:
    body = json.dumps({"detail": detail}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})
