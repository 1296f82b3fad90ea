"""Per-user budgets on the Socket.IO events that start model work (chat sends and retries,
inline edits, completions, agent runs): the same counters as the HTTP routes' (ratelimit/),
so a limit holds whichever way a client asks. Over the budget the event's own error ack
answers `{error, status: 429, retry_after}`; the counters unreachable (Redis down) answer
`{error, status: 503, retry_after: 5}`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from pairpad.ratelimit.groups import SOCKET_BUDGETS
from pairpad.ratelimit.limiter import RateLimiter
from pairpad.ratelimit.settings import Group
from pairpad.realtime.handlers.acks import error_ack
from pairpad.realtime.socketio_adapter import NamespacedServer, SocketIOAdapter
from pairpad.redis_unavailable import RETRY_AFTER_S, RedisUnavailable

Handler = Callable[..., Awaitable[Any]]


def install_socket_budgets(realtime: SocketIOAdapter, limiter: RateLimiter) -> None:
    """Wraps the handlers already registered for SOCKET_BUDGETS' events (call it after the
    feature handlers are registered)."""
    if not limiter.enabled:
        return
    sio = realtime.sio
    server, namespace = ((sio.server, sio.namespace) if isinstance(sio, NamespacedServer)
                         else (sio, "/"))
    registered: dict[str, Handler] = server.handlers.get(namespace, {})
    for event, group in SOCKET_BUDGETS.items():
        handler = registered.get(event)
        if handler is not None:
            server.on(event, _within_budget(handler, group, realtime, limiter),
                      namespace=namespace)


def _within_budget(handler: Handler, group: Group, realtime: SocketIOAdapter,
                   limiter: RateLimiter) -> Handler:
    async def budgeted(sid: str, *args: Any) -> Any:
        identity = (await realtime.sio.get_session(sid)).get("identity")
        user_id = getattr(identity, "user_id", None)
        if isinstance(user_id, str):  # else the handler answers its 401
            try:
                decision = await limiter.hit(group, user_id)
            except RedisUnavailable as error:
                return error_ack(error.detail, 503, retry_after=RETRY_AFTER_S)
            if not decision.allowed:
                return error_ack(decision.detail, 429, retry_after=decision.reset_after)
        return await handler(sid, *args)

    return budgeted
