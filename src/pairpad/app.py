"""Application factory: FastAPI + Socket.IO behind the local-mode security layer."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from types import ModuleType
from typing import Any

import socketio
import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.routing import BaseRoute
from starlette.types import Receive, Scope, Send

from pairpad import __version__
from pairpad.api import agent as agent_api
from pairpad.api import changesets as changesets_api
from pairpad.api import chat as chat_api
from pairpad.api import complete as complete_api
from pairpad.api import context as context_api
from pairpad.api import edits as edits_api
from pairpad.api import files as files_api
from pairpad.api import git as git_api
from pairpad.api import health
from pairpad.api import index as index_api
from pairpad.api import lsp as lsp_api
from pairpad.api import models as models_api
from pairpad.api import problems as problems_api
from pairpad.api import run as run_api
from pairpad.api import search as search_api
from pairpad.api import settings as settings_api
from pairpad.api import symbols as symbols_api
from pairpad.api import tasks as tasks_api
from pairpad.api import workspace as workspace_api
from pairpad.api.methods import install_method_fallback
from pairpad.api.openapi import install_openapi, keep_path_order
from pairpad.auth.hosts import allowed_host_names, host_name
from pairpad.auth.local_token import new_token
from pairpad.auth.middleware import LocalSecurityMiddleware
from pairpad.config import Settings
from pairpad.errors import PairpadError
from pairpad.ratelimit.limiter import RateLimiter
from pairpad.ratelimit.middleware import RateLimitMiddleware
from pairpad.realtime.handlers.agent import register_agent_handlers
from pairpad.realtime.handlers.budgets import install_socket_budgets
from pairpad.realtime.handlers.chat import register_chat_handlers
from pairpad.realtime.handlers.complete import register_complete_handlers
from pairpad.realtime.handlers.inline_edit import register_inline_edit_handlers
from pairpad.realtime.handlers.lsp import register_lsp_handlers
from pairpad.realtime.handlers.run import register_run_handlers
from pairpad.realtime.handlers.tasks import register_task_handlers
from pairpad.realtime.handlers.terminal import register_terminal_handlers
from pairpad.services import Services, build_services
from pairpad.shutdown_answer import ShutdownAnswerMiddleware
from pairpad.telemetry.http_metrics import RequestMetricsMiddleware
from pairpad.telemetry.metrics_endpoint import MetricsEndpoint
from pairpad.telemetry.requests import RequestIdMiddleware

STATIC_DIR = Path(__file__).parent / "static"
log = structlog.get_logger("pairpad.app")


class PairpadApp:
    """The ASGI app handed to uvicorn; keeps typed handles on its parts for the CLI and tests."""

    def __init__(self, settings: Settings, services: Services, fastapi: FastAPI,
                 limiter: RateLimiter | None = None) -> None:
        self.settings = settings
        self.services = services
        self.fastapi = fastapi
        self.limiter = limiter or RateLimiter.from_settings(settings.limits, team=False)
        # Inside the guard: limits count per identity, and a wrong token stays the guard's.
        inner = RateLimitMiddleware(
            socketio.ASGIApp(services.realtime.sio, other_asgi_app=fastapi), self.limiter)
        allowed = allowed_host_names(settings.host, settings.allowed_hosts)
        # Inside the request log, so a request cut off by shutdown is logged as its 503.
        guarded = ShutdownAnswerMiddleware(
            LocalSecurityMiddleware(
                inner, services.identities, allowed, settings.max_request_body
            )
        )
        metrics = MetricsEndpoint(guarded, settings.metrics_token,
                                  lambda host: host_name(host) in allowed)
        self._asgi = RequestMetricsMiddleware(RequestIdMiddleware(metrics))

    @property
    def token(self) -> str:
        return self.services.identities.token

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self._asgi(scope, receive, send)


def create_app(settings: Settings) -> PairpadApp:
    token = settings.token or new_token()
    services = build_services(settings, token)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        await services.start()
        log.info("started", workspace=str(settings.workspace), version=__version__)
        try:
            yield
        finally:
            await services.stop()
            log.info("stopped")

    # Local mode counts in memory: one process, one developer.
    limiter = RateLimiter.from_settings(settings.limits, team=False)
    api = build_workspace_api(services, lifespan, limiter)
    return PairpadApp(settings, services, api, limiter)


def build_workspace_api(services: Services, lifespan: Any = None,
                        limiter: RateLimiter | None = None) -> FastAPI:
    """One workspace's API, Socket.IO handlers and UI: the whole of local mode, and each
    team workspace's app under `/w/{id}` in team mode (pairpad.team)."""
    api = FastAPI(
        title="Pairpad",
        version=__version__,
        lifespan=lifespan,
        openapi_url="/api/openapi.json",
        # No Swagger page: FastAPI's loads its script from a CDN, which our CSP (rightly)
        # blocks; the document itself is /api/openapi.json.
        docs_url=None,
        redoc_url=None,
    )
    api.state.services = services
    health.install_readiness(api, {"database": health.database_check(services.db)})
    install_error_handlers(api)
    _add_routes(
        api,
        [
            health,
            settings_api,
            workspace_api,
            files_api,
            search_api,
            chat_api,
            complete_api,
            models_api,
            index_api,  # codebase context engine
            context_api,
            symbols_api,
            run_api,  # the command sandbox
            tasks_api,  # workspace tasks and their problems
            problems_api,
            edits_api,  # the edit engine, change review and checkpoints
            changesets_api,
            agent_api,  # agent runs' history, rules, MCP servers, allow-list
            lsp_api,  # language servers' state, applying their workspace edits
            git_api,  # source control
        ],
    )
    # Socket.IO's client → server events, beside the routers (server → client: the bus).
    register_chat_handlers(services.realtime.sio, services.ai.chat, services.authorizer)
    register_complete_handlers(services.realtime, services.completion, services.authorizer)
    register_inline_edit_handlers(services.realtime, services.ai.inline_edit, services.authorizer)
    register_run_handlers(services.realtime, services.runs, services.authorizer)
    register_task_handlers(services.realtime, services.tasks, services.authorizer)
    register_terminal_handlers(services.realtime, services.terminals, services.authorizer)
    register_agent_handlers(services.realtime, services.agent, services.authorizer,
                            services.audit)
    register_lsp_handlers(services.realtime, services.lsp, services.authorizer)
    if limiter is not None:  # the events that start model work, on per-user budgets
        install_socket_budgets(services.realtime, limiter)
    _mount_static(api)
    return api


# Matched first: what the editor asks most (a file per tab switch, the tree per folder
# opened, search and inline completion per keystroke pause).
HOT_PATHS = ("/api/files", "/api/search", "/api/complete")


def _add_routes(api: FastAPI, modules: list[ModuleType]) -> None:
    """The feature routers' routes, as the app router's own, the hot ones first.

    `include_router` would keep each router as one entry that the app router asks in turn,
    and every router asked walks its routes with FastAPI's per-router bookkeeping (twice for
    the one that matches): a file read went through five routers, ~15 µs a request, against
    one regex per route here. The routers set only a prefix and tags, which their routes
    already carry; no route of Pairpad uses `app.dependency_overrides`, which included
    routers would also honour. The OpenAPI document keeps the order of `modules`
    (`openapi.keep_path_order`), so reordering the matching changes nothing it says.
    """
    routes = [route for module in modules for route in module.router.routes]
    hot = [route for route in routes if _path_of(route).startswith(HOT_PATHS)]
    api.router.routes.extend([*hot, *(route for route in routes if route not in hot)])
    keep_path_order(api, [_path_of(route) for route in routes])


def _path_of(route: BaseRoute) -> str:
    return str(getattr(route, "path", ""))


def install_error_handlers(api: FastAPI) -> None:
    install_openapi(api)  # the document describes these handlers' `{"detail": "…"}` bodies

    @api.exception_handler(PairpadError)
    async def domain_error(_request: Request, error: PairpadError) -> JSONResponse:
        return JSONResponse({"detail": error.detail, **error.extra}, status_code=error.status_code)

    @api.exception_handler(Exception)
    async def unexpected_error(_request: Request, error: Exception) -> JSONResponse:
        # Still JSON with a `detail`; the traceback goes to the log with the request id.
        log.exception("unhandled error", exc_info=error)
        return JSONResponse(
            {"detail": f"Internal error ({type(error).__name__}); see the server log."},
            status_code=500,
        )

    @api.exception_handler(RequestValidationError)
    async def validation_error(_request: Request, error: RequestValidationError) -> JSONResponse:
        problems = [_problem(item) for item in error.errors()]
        return JSONResponse(
            {"detail": "Invalid request: " + "; ".join(problems), "errors": _jsonable(error)},
            status_code=422,
        )


def _problem(item: Any) -> str:
    where = ".".join(str(part) for part in item["loc"] if part != "body")
    message = str(item["msg"]).removeprefix("Value error, ")
    return f"{where}: {message}" if where else message  # a model-level check has no field


def _jsonable(error: RequestValidationError) -> list[dict[str, Any]]:
    return [{"loc": list(item["loc"]), "msg": item["msg"]} for item in error.errors()]


def _mount_static(api: FastAPI) -> None:
    install_method_fallback(api)  # before the mount, which would answer any /api/ path
    if (STATIC_DIR / "index.html").is_file():
        # Only the UI bundle is compressed (~3.8 MB of JS → ~1 MB): API responses stay on
        # loopback, where gzip would cost more CPU than it saves.
        ui = GZipMiddleware(StaticFiles(directory=STATIC_DIR, html=True), minimum_size=1024)
        api.mount("/", ui, name="ui")
        return

    @api.get("/", include_in_schema=False)
    async def ui_not_built() -> JSONResponse:
        return JSONResponse(
            {"detail": "The Pairpad UI is not built: run `make` in the repository."},
            status_code=503,
        )
