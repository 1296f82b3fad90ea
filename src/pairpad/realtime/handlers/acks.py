"""What every Socket.IO handler answers with: error acks, validation details, and the
authorization check of the socket's identity (one wording for chat, completion, inline edit
and runs)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import socketio
from pydantic import ValidationError

from pairpad.auth.authorizer import Action, Policy, Resource, refusal
from pairpad.auth.identity import Identity

RefusalCheck = Callable[[str, Action], Awaitable[dict[str, Any] | None]]


def error_ack(detail: str, status: int, **extra: Any) -> dict[str, Any]:
    return {"error": detail, "status": status, **extra}


def validation_detail(error: ValidationError, what: str) -> str:
    """`Invalid <what>: field: message; …` (pydantic's "Value error, " prefix dropped)."""
    problems = []
    for item in error.errors():
        where = ".".join(str(part) for part in item["loc"])
        message = str(item["msg"]).removeprefix("Value error, ")
        problems.append(f"{where}: {message}" if where else message)
    return f"Invalid {what}: " + "; ".join(problems)


def refusal_check(sio: socketio.AsyncServer, policy: Policy, resource: Resource) -> RefusalCheck:
    """None when the socket's identity may do the action on `resource`; else the error ack
    (401 without an identity, 403 when the policy refuses)."""

    async def refused(sid: str, action: Action) -> dict[str, Any] | None:
        identity = (await sio.get_session(sid)).get("identity")
        if not isinstance(identity, Identity):
            return error_ack("unauthorized", 401)
        if not policy.is_allowed(identity, action, resource):
            return error_ack(refusal(action, resource), 403)
        return None

    return refused
