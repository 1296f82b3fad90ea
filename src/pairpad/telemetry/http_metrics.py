"""Request metrics (HTTP_REQUESTS, HTTP_LATENCY) by route template, never the raw path.

A plain ASGI middleware: after the app answered, the route it matched is in the scope
(Starlette puts it at scope["route"]); a dispatcher that hands a copy of the scope to an
inner app (team mode's `/w/{id}`) names the route itself with `set_route_label`.
"""

from __future__ import annotations

import time
from typing import Any

from prometheus_client import Counter, Histogram
from starlette.routing import Mount
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from pairpad.telemetry.metrics import HTTP_LATENCY, HTTP_REQUESTS

# Set by whoever knows the route better than scope["route"] (a dispatcher, /metrics).
ROUTE_LABEL_KEY = "pairpad.route"
UNMATCHED = "unmatched"
SOCKETIO = "/socket.io"
# Any other method is counted as "other": a client must not grow the label set.
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def route_label(scope: Scope) -> str:
    """The route template the request matched: "/api/files/{path:path}", a mount as
    "/prefix/{path}", "/socket.io" for Engine.IO, else "unmatched"."""
    label = scope.get(ROUTE_LABEL_KEY)
    return label if isinstance(label, str) else _matched_route(scope)


def _matched_route(scope: Scope) -> str:
    route = scope.get("route")
    path = getattr(route, "path", None)
    if isinstance(path, str):
        return f"{path}/{{path}}" if isinstance(route, Mount) else path
    if str(scope.get("path", "")).startswith(SOCKETIO + "/"):
        return SOCKETIO
    return UNMATCHED


def set_route_label(scope: Scope, label: str) -> None:
    scope[ROUTE_LABEL_KEY] = label


def carry_route(outer: Scope, inner: Scope, prefix: str) -> None:
    """The outer request's label for an inner app that ran on a copy of its scope:
    `prefix` (a template, e.g. "/w/{workspace_id}") and the inner route's template."""
    inner_label = _matched_route(inner)  # not a label the copy inherited from `outer`
    set_route_label(outer, prefix if inner_label == UNMATCHED else prefix + inner_label)


class RequestMetricsMiddleware:
    """Counts and times every HTTP request (to the end of its body). WebSockets and
    lifespan pass through: Socket.IO connections have their own gauge."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        # prometheus-client's .labels() takes a lock and builds a key each call: the
        # children are looked up here once per label set (bounded: templates by methods).
        self._counters: dict[tuple[str, str, int], Counter] = {}
        self._timers: dict[tuple[str, str], Histogram] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_noting_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_noting_status)
        finally:
            self._observe(scope, status, time.perf_counter() - started)

    def _observe(self, scope: Scope, status: int, seconds: float) -> None:
        method: Any = scope.get("method")
        method = method if method in METHODS else "other"
        route = route_label(scope)
        timer = self._timers.get((method, route))
        if timer is None:
            timer = self._timers[(method, route)] = HTTP_LATENCY.labels(method, route)
        timer.observe(seconds)
        counter = self._counters.get((method, route, status))
        if counter is None:
            counter = HTTP_REQUESTS.labels(method, route, str(status))
            self._counters[(method, route, status)] = counter
        counter.inc()
