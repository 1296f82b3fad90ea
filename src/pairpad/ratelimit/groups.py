"""Which group a request counts in (paths of a team workspace without their `/w/{id}`).

Only API routes count: the UI's pages and bundle files (cacheable, cheap, dozens per page
load) and Socket.IO's handshake are not limited; the socket's costly events have budgets
of their own (`SOCKET_BUDGETS`). Health probes and `/metrics` never are: a load balancer or
Prometheus polls them from one address.
"""

from __future__ import annotations

import re

from pairpad.ratelimit.settings import Group

EXEMPT = frozenset({"/api/health", "/api/health/live", "/api/health/ready"})
# Sign-in steps, per client address: guessing passwords, codes or tokens, and mail sending.
AUTH_ROUTES = frozenset({
    ("POST", "/api/auth/login"), ("POST", "/api/auth/mfa/verify"),
    ("POST", "/api/auth/refresh"), ("POST", "/api/auth/register"),
    ("POST", "/api/auth/password/forgot"), ("POST", "/api/auth/password/reset"),
    ("POST", "/api/auth/passkeys/login/options"), ("POST", "/api/auth/passkeys/login/verify"),
})
_OAUTH_SIGN_IN = re.compile(r"/api/auth/oauth/[^/]+/(start|callback)")
# Those whose JSON body names an account (`email`): also counted per email, whatever the
# address (a password tried from many machines on one account).
EMAIL_ROUTES = frozenset({
    ("POST", "/api/auth/login"), ("POST", "/api/auth/register"),
    ("POST", "/api/auth/password/forgot"),
})
# Routes that ask a model, each on its per-user budget instead of the `user` group.
BUDGET_ROUTES: dict[tuple[str, str], Group] = {("POST", "/api/complete"): "completion"}
# Socket.IO events that start model work (realtime/handlers/budgets.py).
SOCKET_BUDGETS: dict[str, Group] = {
    "chat:send": "chat", "chat:retry": "chat", "inline_edit:start": "chat",
    "complete:request": "completion", "agent:start": "agent",
}


def group_of(method: str, path: str, *, signed_in: bool) -> Group | None:
    """None: not limited."""
    if not path.startswith("/api/") or path in EXEMPT:
        return None
    if (method, path) in AUTH_ROUTES or (method == "GET" and _OAUTH_SIGN_IN.fullmatch(path)):
        return "auth"
    if not signed_in:
        return "anonymous"
    return BUDGET_ROUTES.get((method, path), "user")
