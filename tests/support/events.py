"""Recording what services publish on the event bus, as the wire sees it."""

from __future__ import annotations

from typing import Any

from pairpad.events.bus import EventBus
from pairpad.events.models import ChatEvent, ServerEvent

Events = list[tuple[str, dict[str, Any]]]


def record_chat_events(bus: EventBus) -> Events:
    """Every chat event published from now on, as `(wire name, payload)`."""
    events: Events = []

    async def record(event: ServerEvent) -> None:
        events.append((event.name, event.payload()))

    bus.subscribe(record, ChatEvent)
    return events
