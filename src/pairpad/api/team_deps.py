"""Team mode's route dependency: the signed-in user (set by the team security middleware)."""

from __future__ import annotations

from collections.abc import Iterable

from fastapi import APIRouter, Request
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from pairpad.api.authz import Unauthenticated
from pairpad.auth.identity import Identity

NOT_SIGNED_IN = "Not signed in: sign in at /signin, or send `Authorization: Bearer ACCESS_TOKEN`."


async def signed_in(request: Request) -> Identity:
    identity = request.scope.get("state", {}).get("identity")
    if not isinstance(identity, Identity):
        raise Unauthenticated(NOT_SIGNED_IN)
    return identity


def public_operations(routers: Iterable[APIRouter]) -> frozenset[tuple[str, str]]:
    """The `(METHOD, path)` of every documented route that does not depend on `signed_in`
    (for the OpenAPI document: `openapi.AccountsAuth`)."""
    found: set[tuple[str, str]] = set()
    for route in (route for router in routers for route in router.routes):
        if not isinstance(route, APIRoute) or not route.include_in_schema:
            continue
        if not _needs_sign_in(route.dependant):
            found.update((method, route.path) for method in route.methods or ())
    return frozenset(found)


def _needs_sign_in(dependant: Dependant) -> bool:
    return any(sub.call is signed_in or _needs_sign_in(sub) for sub in dependant.dependencies)
