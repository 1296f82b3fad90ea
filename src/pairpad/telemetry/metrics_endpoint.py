"""`GET /metrics`: this process's Prometheus series in the text format, for a scraper.

Who may read it: with a metrics token set (PAIRPAD_METRICS_TOKEN), whoever sends
`Authorization: Bearer <that token>`, from anywhere; without one, only a client on this
machine (loopback, not relayed by a proxy, Host allowed — so neither a reverse proxy in
front of the server nor a DNS-rebinding web page makes it public). It is answered before
the session guard: a scraper has no user account, and the metrics name no user.
"""

from __future__ import annotations

import asyncio
import hmac
import ipaddress
import json
from collections.abc import Callable

from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.types import ASGIApp, Receive, Scope, Send

from pairpad.telemetry.http_metrics import set_route_label

METRICS_PATH = "/metrics"
NOT_LOCAL = ("Metrics are served to this machine only (loopback, without a proxy in between): "
             "scrape from here, or set PAIRPAD_METRICS_TOKEN and send "
             "`Authorization: Bearer <token>`.")
NOT_SCRAPER = ("Wrong or missing metrics token: send `Authorization: Bearer <token>` with "
               "the value of PAIRPAD_METRICS_TOKEN.")
# Headers a reverse proxy adds: a request carrying one came from elsewhere, through it.
PROXY_HEADERS = frozenset({b"forwarded", b"x-forwarded-for", b"x-real-ip"})


class MetricsEndpoint:
    def __init__(self, app: ASGIApp, token: str | None,
                 host_allowed: Callable[[str], bool]) -> None:
        """`host_allowed`: the app's Host check (auth.hosts), for the no-token rule."""
        self.app = app
        self.token = token or None
        self.host_allowed = host_allowed

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] != METRICS_PATH:
            await self.app(scope, receive, send)
            return
        set_route_label(scope, METRICS_PATH)
        if scope.get("method") not in ("GET", "HEAD"):
            await _answer(send, 405, _detail("Only GET reads the metrics."), b"application/json",
                          [(b"allow", b"GET, HEAD")])
            return
        headers = dict(scope.get("headers", ()))
        refusal = self._refusal(scope, headers)
        if refusal is not None:
            await _answer(send, refusal[0], _detail(refusal[1]), b"application/json")
            return
        # Rendering walks every series: off the event loop, like any other blocking work.
        body = await asyncio.to_thread(generate_latest)
        await _answer(send, 200, b"" if scope["method"] == "HEAD" else body,
                      CONTENT_TYPE_LATEST.encode())

    def _refusal(self, scope: Scope, headers: dict[bytes, bytes]) -> tuple[int, str] | None:
        if self.token is not None:
            scheme, _, value = headers.get(b"authorization", b"").decode("latin-1").partition(" ")
            ok = scheme.lower() == "bearer" and hmac.compare_digest(
                value.strip().encode(), self.token.encode())
            return None if ok else (401, NOT_SCRAPER)
        host = headers.get(b"host", b"").decode("latin-1")
        local = (_is_loopback(scope) and not PROXY_HEADERS.intersection(headers)
                 and self.host_allowed(host))
        return None if local else (403, NOT_LOCAL)


def _is_loopback(scope: Scope) -> bool:
    client = scope.get("client")
    if not client:
        return False
    try:
        return ipaddress.ip_address(str(client[0])).is_loopback
    except ValueError:
        return False


def _detail(text: str) -> bytes:
    return json.dumps({"detail": text}).encode()


async def _answer(send: Send, status: int, body: bytes, content_type: bytes,
                  extra: list[tuple[bytes, bytes]] | None = None) -> None:
    await send({"type": "http.response.start", "status": status, "headers": [
        (b"content-type", content_type), (b"content-length", str(len(body)).encode()),
        (b"cache-control", b"no-store"), *(extra or [])]})
    await send({"type": "http.response.body", "body": body})
