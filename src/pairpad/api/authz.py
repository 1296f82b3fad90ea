"""The route side of the authorizer: `authorized(action, resource)`, as jupyter_server's
`@authorized` — every route declares what it does, and the app's policy decides."""

from __future__ import annotations

from typing import Any

from fastapi import Depends, Request

from pairpad.auth.authorizer import Action, Resource, refusal
from pairpad.auth.identity import NOT_AUTHENTICATED, Identity
from pairpad.errors import Forbidden, PairpadError
from pairpad.services import Services


class Unauthenticated(PairpadError):
    status_code = 401


def authorized(action: Action, resource: Resource) -> Any:
    """A route dependency: 401 without an identity, 403 (JSON `detail`) when the app's
    authorizer refuses `action` on `resource`."""

    async def check(request: Request) -> Identity:
        identity = request.scope.get("state", {}).get("identity")
        if not isinstance(identity, Identity):
            raise Unauthenticated(NOT_AUTHENTICATED)
        services: Services = request.app.state.services
        if not services.authorizer.is_allowed(identity, action, resource):
            raise Forbidden(refusal(action, resource))
        return identity

    check.action = action  # type: ignore[attr-defined]  # read by the route-coverage test
    check.resource = resource  # type: ignore[attr-defined]
    return Depends(check)
