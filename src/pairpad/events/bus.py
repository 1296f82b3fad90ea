"""The in-process event bus: services publish typed events, subscribers take them on.

Services depend on `Publish` only (one method). Subscribers are the transport (the Socket.IO
adapter, which maps each event to its room) and, later, in-process listeners such as caches.
Nothing here knows Socket.IO: in team mode the adapter's Socket.IO server gets python-socketio's
`AsyncRedisManager` and fans every emit out to the other instances — the bus and the
services stay as they are.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Protocol

import structlog

from pairpad.events.models import ServerEvent

log = structlog.get_logger("pairpad.events.bus")

Subscriber = Callable[[ServerEvent], Awaitable[None]]


class Publish(Protocol):
    """What a service is given to send events to clients."""

    async def publish(self, event: ServerEvent) -> None: ...


class EventBus:
    """Delivers each published event to every subscriber, in subscription order.

    A subscriber that raises is logged and skipped: one broken listener (a cache, a
    disconnected transport) must not stop the others or fail the publishing service.
    """

    def __init__(self) -> None:
        self._subscribers: list[tuple[Subscriber, tuple[type[ServerEvent], ...] | None]] = []

    def subscribe(
        self, subscriber: Subscriber, *kinds: type[ServerEvent]
    ) -> Callable[[], None]:
        """Call `subscriber` for every event (or only those of `kinds`); returns unsubscribe."""
        entry = (subscriber, kinds or None)
        self._subscribers.append(entry)

        def unsubscribe() -> None:
            if entry in self._subscribers:
                self._subscribers.remove(entry)

        return unsubscribe

    async def publish(self, event: ServerEvent) -> None:
        for subscriber, kinds in list(self._subscribers):
            if kinds is not None and not isinstance(event, kinds):
                continue
            try:
                await subscriber(event)
            except Exception:
                log.exception("event subscriber failed", event_name=event.name)

