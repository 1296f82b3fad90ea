"""Append-only, per-stream sequenced event logs (the seam for agent runs; DESIGN.md §5, §8).

An agent run is one stream (`run_id`): each action and observation is appended, gets the
next `seq` (1, 2, …, no gaps) and is then published on the bus like any other event, so the
UI streams it live. A client that reconnects asks for the events after the last `seq` it
saw and gets them replayed from the log, in order, to its own socket only. The same log
serves audit and a run's history after restart once a persistent `EventLog` (a database
table keyed by `(stream, seq)`) replaces the in-memory one; services do not change.

    class AgentEvent(SequencedEvent):     # wire: agent:event {run_id, seq, kind, data}
        name: ClassVar[str] = "agent:event"
        kind: str
        data: dict[str, Any]

    stream = SequencedStream(log, bus)
    await stream.append(AgentEvent, run_id, kind="action", data={...})
    for event in await log.since(run_id, after_seq): await adapter.send_to(sid, event)
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from typing import Any, Protocol, TypeVar

from pairpad.events.bus import Publish
from pairpad.events.models import SequencedEvent

__all__ = ["BuildEvent", "EventLog", "MemoryEventLog", "SequencedEvent", "SequencedStream"]

S = TypeVar("S", bound="SequencedEvent")
S_co = TypeVar("S_co", bound="SequencedEvent", covariant=True)


class EventLog(Protocol):
    """Where sequenced events are kept. `append` assigns the seq; `since` replays."""

    async def append(self, stream: str, build: BuildEvent[S]) -> S: ...
    async def since(self, stream: str, after_seq: int = 0) -> list[SequencedEvent]: ...


class BuildEvent(Protocol[S_co]):
    def __call__(self, seq: int) -> S_co: ...


class MemoryEventLog:
    """An `EventLog` in memory (local mode; a database table takes its place later)."""

    def __init__(self) -> None:
        self._streams: dict[str, list[SequencedEvent]] = defaultdict(list)
        self._lock = asyncio.Lock()  # seq assignment and append are one step

    async def append(self, stream: str, build: BuildEvent[S]) -> S:
        async with self._lock:
            events = self._streams[stream]
            event = build(len(events) + 1)
            if event.run_id != stream or event.seq != len(events) + 1:
                raise ValueError("a sequenced event must carry its stream id and the given seq")
            events.append(event)
            return event

    async def since(self, stream: str, after_seq: int = 0) -> list[SequencedEvent]:
        return list(self._streams.get(stream, [])[max(after_seq, 0):])


class SequencedStream:
    """Append to the log, then publish: what a service (an agent run) is given."""

    def __init__(self, log: EventLog, bus: Publish) -> None:
        self.log = log
        self._bus = bus
        self._order = asyncio.Lock()  # published in seq order, even when appends race

    async def append(self, event_type: type[S], stream: str, /, **fields: Any) -> S:
        async with self._order:
            event = await self.log.append(
                stream,
                lambda seq: event_type.model_validate({**fields, "run_id": stream, "seq": seq}),
            )
            await self._bus.publish(event)
        return event
