"""The append-only sequenced log (agent runs later): seq order, replay after a seq, publish."""

from __future__ import annotations

import asyncio
from typing import Any, ClassVar

import pytest

from pairpad.events.bus import EventBus
from pairpad.events.log import MemoryEventLog, SequencedEvent, SequencedStream
from pairpad.events.models import ServerEvent


class StepEvent(SequencedEvent):
    name: ClassVar[str] = "test:step"
    kind: str
    data: dict[str, Any]


async def test_appends_are_numbered_per_stream_published_in_order_and_replayable() -> None:
    bus = EventBus()
    published: list[tuple[str, int]] = []

    async def record(event: ServerEvent) -> None:
        assert isinstance(event, StepEvent)
        published.append((event.run_id, event.seq))

    bus.subscribe(record)
    log = MemoryEventLog()
    stream = SequencedStream(log, bus)
    await asyncio.gather(*(stream.append(StepEvent, "run-a", kind="action", data={"i": i})
                           for i in range(5)))
    await stream.append(StepEvent, "run-b", kind="observation", data={})

    assert published == [("run-a", 1), ("run-a", 2), ("run-a", 3), ("run-a", 4), ("run-a", 5),
                         ("run-b", 1)]
    replay = await log.since("run-a", after_seq=3)
    assert [(e.seq, e.payload()["kind"]) for e in replay] == [(4, "action"), (5, "action")]
    assert replay[0].payload() == {"run_id": "run-a", "seq": 4, "kind": "action",
                                   "data": replay[0].payload()["data"]}
    assert len(await log.since("run-a")) == 5
    assert await log.since("unknown") == []


async def test_an_event_with_another_stream_or_seq_is_refused() -> None:
    log = MemoryEventLog()
    with pytest.raises(ValueError):
        await log.append("run-a", lambda seq: StepEvent(run_id="run-b", seq=seq, kind="x",
                                                        data={}))
    with pytest.raises(ValueError):
        await log.append("run-a", lambda seq: StepEvent(run_id="run-a", seq=seq + 1, kind="x",
                                                        data={}))
    assert await log.since("run-a") == []
