"""`/api/…` requests that no route takes: 405 with `Allow`, OPTIONS, and a JSON 404.

Without this the UI's static mount at `/` (which matches every path and method) answered
them: a GET on a POST-only route was a 404 and OPTIONS a 405 naming GET and HEAD. Added
after every router and before the mount, so a route that matches fully still wins.
"""

from __future__ import annotations

from fastapi import FastAPI
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Match, Route
from starlette.types import Receive, Scope, Send

_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")


class MethodFallback:
    """An ASGI app rather than a function, so Starlette's `Route` matches it for every
    method (a function endpoint would default to GET only)."""

    def __init__(self, routes: list[BaseRoute]) -> None:
        self.routes = routes  # the app's routes before this one

    def allowed(self, path: str) -> list[str]:
        """The methods some route answers for `path`, asked of the routes themselves."""
        return [
            method
            for method in _METHODS
            if any(
                route.matches({"type": "http", "method": method, "path": path, "root_path": ""})[0]
                == Match.FULL
                for route in self.routes
            )
        ]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        methods = self.allowed(scope["path"])
        response: Response
        if not methods:
            response = JSONResponse({"detail": "Not Found"}, status_code=404)
        elif scope["method"] == "OPTIONS":
            response = Response(status_code=204, headers={"Allow": _allow(methods)})
        else:
            allow = _allow(methods)
            response = JSONResponse(
                {"detail": f"Method {scope['method']} not allowed here; use {allow}"},
                status_code=405,
                headers={"Allow": allow},
            )
        await response(scope, receive, send)


def _allow(methods: list[str]) -> str:
    return ", ".join([*methods, "OPTIONS"])


def install_method_fallback(api: FastAPI) -> None:
    routes = list(api.router.routes)
    api.router.routes.append(Route("/api/{rest:path}", MethodFallback(routes)))
