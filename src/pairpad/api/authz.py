"""The route side of the authorizer: `authorized(action, resource)`, as jupyter_server's
`@authorized` — every route declares what it does, and the app's policy decides."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import Any, ParamSpec, TypeVar

from fastapi import Depends, Request

from pairpad.audit.chain import Detail
from pairpad.auth.authorizer import Action, Resource, refusal
from pairpad.auth.identity import NOT_AUTHENTICATED, Identity
from pairpad.errors import Forbidden, PairpadError
from pairpad.services import Services


class Unauthenticated(PairpadError):
    status_code = 401


P = ParamSpec("P")
R = TypeVar("R")


async def check_permission(request: Request, action: Action, resource: Resource) -> Identity:
    """401 without an identity, 403 (JSON `detail`) when the app's authorizer refuses (and
    in team mode the refusal goes to the audit trail as authz.denied)."""
    identity = request.scope.get("state", {}).get("identity")
    if not isinstance(identity, Identity):
        raise Unauthenticated(NOT_AUTHENTICATED)
    services: Services = request.app.state.services
    if not services.authorizer.is_allowed(identity, action, resource):
        if services.audit is not None:
            await services.audit.record(identity.user_id, "authz.denied", {
                "action": action, "resource": resource, "role": identity.role,
                "method": request.method, "path": request.url.path})
        raise Forbidden(refusal(action, resource))
    return identity


async def record_event(request: Request, action: str, **details: Detail) -> None:
    """A security event of this workspace by the signed-in user (team mode; local mode
    keeps no audit trail)."""
    services: Services = request.app.state.services
    identity = request.scope.get("state", {}).get("identity")
    if services.audit is not None and isinstance(identity, Identity):
        await services.audit.record(identity.user_id, action, details)


def authorized(action: Action, resource: Resource) -> Any:
    """A route dependency asking the app's authorizer (see `check_permission`)."""

    async def check(request: Request) -> Identity:
        return await check_permission(request, action, resource)

    check.action = action  # type: ignore[attr-defined]  # read by the route-coverage test
    check.resource = resource  # type: ignore[attr-defined]
    return Depends(check)


def authorize(action: Action, resource: Resource
              ) -> Callable[[Callable[P, Awaitable[R]]], Callable[P, Awaitable[R]]]:
    """The same check as `authorized`, made inside the endpoint: for the hottest routes
    (file reads, search), where each FastAPI dependency costs ~15 µs per request (issue 9
    #12). The endpoint must take `request: Request`."""

    def wrap(endpoint: Callable[P, Awaitable[R]]) -> Callable[P, Awaitable[R]]:
        @functools.wraps(endpoint)
        async def checked(*args: P.args, **kwargs: P.kwargs) -> R:
            request = kwargs["request"]
            assert isinstance(request, Request)
            await check_permission(request, action, resource)
            return await endpoint(*args, **kwargs)

        checked.action = action  # type: ignore[attr-defined]  # the route-coverage test
        checked.resource = resource  # type: ignore[attr-defined]
        return checked

    return wrap
