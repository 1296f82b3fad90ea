"""The event bus and the Socket.IO adapter: publish → subscribers → `sio.emit` to the room."""

from __future__ import annotations

from typing import Any

import pytest

from pairpad.auth.identity import LocalTokenIdentityProvider
from pairpad.events.bus import EventBus
from pairpad.events.models import (
    SERVER_EVENTS,
    ChatDelta,
    ChatError,
    ChatEvent,
    FsChanged,
    IndexProgress,
    ServerEvent,
)
from pairpad.realtime.socketio_adapter import WORKSPACE_ROOM, SocketIOAdapter


class FakeSio:
    """Records what the adapter emits, as python-socketio's `AsyncServer.emit` receives it."""

    def __init__(self) -> None:
        self.emitted: list[tuple[str, dict[str, Any], dict[str, Any]]] = []

    async def emit(self, event: str, data: dict[str, Any], **where: Any) -> None:
        self.emitted.append((event, data, where))


@pytest.fixture
def wired() -> tuple[EventBus, FakeSio]:
    bus = EventBus()
    adapter = SocketIOAdapter(LocalTokenIdentityProvider("t"))
    fake = FakeSio()
    adapter.sio = fake  # type: ignore[assignment]
    adapter.attach(bus)
    return bus, fake


async def test_a_broadcast_event_goes_to_the_workspace_room(wired: tuple[EventBus, FakeSio]
                                                            ) -> None:
    bus, sio = wired
    await bus.publish(FsChanged.model_validate(
        {"changes": [{"type": "modified", "path": "src/a.py", "actor": "user"}]}))
    await bus.publish(IndexProgress(indexed=3, total=10, state="building"))
    assert sio.emitted == [
        ("fs:changed", {"changes": [{"type": "modified", "path": "src/a.py",
                                     "actor": "user"}]},
         {"room": WORKSPACE_ROOM, "ignore_queue": True}),
        ("index:progress", {"indexed": 3, "total": 10, "state": "building"},
         {"room": WORKSPACE_ROOM, "ignore_queue": False}),
    ]
    assert WORKSPACE_ROOM == "workspace"  # the room every authenticated socket joins


async def test_a_chat_event_goes_to_its_conversations_room(wired: tuple[EventBus, FakeSio]
                                                           ) -> None:
    bus, sio = wired
    await bus.publish(ChatDelta(conversation_id="c1", message_id="m1", text="Hel"))
    await bus.publish(ChatError(conversation_id="c1", message_id="m1", detail="down",
                                setting=None))
    assert sio.emitted == [
        ("chat:delta", {"conversation_id": "c1", "message_id": "m1", "text": "Hel"},
         {"room": "chat:c1", "ignore_queue": False}),
        ("chat:error", {"conversation_id": "c1", "message_id": "m1", "detail": "down",
                        "setting": None}, {"room": "chat:c1", "ignore_queue": False}),
    ]


def test_only_each_instances_own_observations_stay_off_the_fan_out() -> None:
    """Team mode: `ignore_queue` (this instance's clients only) for what every instance
    hosting the workspace sees for itself — its watcher's file changes, its own language
    servers; everything else (chat, agent runs, reviews, git, tasks) reaches every instance."""
    local = sorted(kind.name for kind in SERVER_EVENTS if not kind.fan_out)
    assert local == ["fs:changed", "lsp:diagnostics", "lsp:edit", "lsp:status"]


async def test_send_to_reaches_one_socket_only(wired: tuple[EventBus, FakeSio]) -> None:
    _bus, sio = wired
    adapter = SocketIOAdapter(LocalTokenIdentityProvider("t"))
    adapter.sio = sio  # type: ignore[assignment]
    await adapter.send_to("sid-1", IndexProgress(indexed=1, total=1, state="ready"))
    assert sio.emitted == [("index:progress", {"indexed": 1, "total": 1, "state": "ready"},
                            {"to": "sid-1"})]


async def test_subscribers_by_kind_and_unsubscribe() -> None:
    bus = EventBus()
    everything: list[str] = []
    chat_only: list[str] = []

    async def all_events(event: ServerEvent) -> None:
        everything.append(event.name)

    async def chat_events(event: ServerEvent) -> None:
        chat_only.append(event.name)

    bus.subscribe(all_events)
    unsubscribe = bus.subscribe(chat_events, ChatEvent)
    await bus.publish(IndexProgress(indexed=0, total=0, state="idle"))
    await bus.publish(ChatDelta(conversation_id="c", message_id="m", text="x"))
    unsubscribe()
    await bus.publish(ChatDelta(conversation_id="c", message_id="m", text="y"))
    assert everything == ["index:progress", "chat:delta", "chat:delta"]
    assert chat_only == ["chat:delta"]


async def test_a_failing_subscriber_does_not_stop_the_others_or_the_publisher() -> None:
    bus = EventBus()
    seen: list[str] = []

    async def broken(_event: ServerEvent) -> None:
        raise RuntimeError("cache exploded")

    async def working(event: ServerEvent) -> None:
        seen.append(event.name)

    bus.subscribe(broken)
    bus.subscribe(working)
    await bus.publish(IndexProgress(indexed=0, total=0, state="idle"))  # does not raise
    assert seen == ["index:progress"]


def test_events_are_immutable_and_refuse_unknown_fields() -> None:
    event = ChatDelta(conversation_id="c", message_id="m", text="x")
    with pytest.raises(ValueError):
        event.text = "y"  # type: ignore[misc]
    with pytest.raises(ValueError):
        ChatDelta.model_validate({"conversation_id": "c", "message_id": "m", "text": "x",
                                  "extra": 1})
