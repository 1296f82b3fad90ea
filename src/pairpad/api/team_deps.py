"""Team mode's route dependency: the signed-in user (set by the team security middleware)."""

from __future__ import annotations

from fastapi import Request

from pairpad.api.authz import Unauthenticated
from pairpad.auth.identity import Identity

NOT_SIGNED_IN = "Not signed in: sign in at /signin, or send `Authorization: Bearer ACCESS_TOKEN`."


async def signed_in(request: Request) -> Identity:
    identity = request.scope.get("state", {}).get("identity")
    if not isinstance(identity, Identity):
        raise Unauthenticated(NOT_SIGNED_IN)
    return identity
