"""Chat Socket.IO events with a missing or wrong payload still acknowledge (issue 9, finding 7).

A real `pairpad open` (uvicorn) and a real python-socketio client; no model is needed: every
call here is refused before one would be used (the model path points nowhere, so nothing
starts in the background either).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
import socketio

from tests.support.server import RunningServer, start_server

EVENTS = ("chat:send", "chat:join", "chat:leave", "chat:cancel", "chat:retry")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    root = tmp_path_factory.mktemp("acks")
    (root / "ws").mkdir()
    running = start_server(
        root / "ws", root / "data",
        env={"PAIRPAD_AI__LOCAL__MODEL_PATH": str(root / "no-model.gguf")},
    )
    yield running
    running.stop()


@pytest.fixture
async def sio(server: RunningServer) -> AsyncIterator[socketio.AsyncClient]:
    client = socketio.AsyncClient(reconnection=False)
    await client.connect(server.base_url, auth={"token": server.token},
                         transports=["websocket"], wait_timeout=10)
    yield client
    await client.disconnect()


async def call(client: socketio.AsyncClient, event: str, *args: Any) -> Any:
    # `call` with no data sends the event with no arguments at all, as a bare emit would.
    return await client.call(event, *args, timeout=10) if args else await client.call(
        event, timeout=10)


@pytest.mark.parametrize("event", EVENTS)
async def test_finding_7_event_without_payload_gets_an_error_ack(
    sio: socketio.AsyncClient, event: str
) -> None:
    ack = await call(sio, event)
    assert isinstance(ack, dict) and isinstance(ack.get("error"), str), ack
    assert ack["status"] in (400, 422), ack


@pytest.mark.parametrize("event", EVENTS)
@pytest.mark.parametrize("payload", [["conversation_id"], "text", 7, None])
async def test_finding_7_event_with_wrong_payload_type_gets_an_error_ack(
    sio: socketio.AsyncClient, event: str, payload: Any
) -> None:
    ack = await call(sio, event, payload)
    assert isinstance(ack, dict) and isinstance(ack.get("error"), str), ack
    assert ack["status"] in (400, 422), ack


async def test_finding_7_chat_send_with_lone_surrogate_mention_gets_an_error_ack(
    sio: socketio.AsyncClient,
) -> None:
    ack = await call(sio, "chat:send", {"text": "explain", "mentions": ["app\ud800.py"]})
    assert ack["status"] == 422 and "surrogate" in ack["error"], ack


async def test_connection_still_serves_after_bad_events(sio: socketio.AsyncClient) -> None:
    for event in EVENTS:
        await call(sio, event)
    ack = await call(sio, "chat:join", {"conversation_id": "no-such-conversation"})
    assert ack["status"] == 404, ack
