"""`complete:request` / `complete:cancel` over Socket.IO against the real `pairpad open`, with
a scripted OpenAI-compatible model (recording what it received) as the autocomplete role."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import socketio

from tests.support.openai_server import ScriptedOpenAI, scripted_openai
from tests.support.server import RunningServer, start_server

MODEL = "qwen2.5-coder-1.5b"
PREFIX = "def add(a, b):\n    "


def request(request_id: str, prefix: str = PREFIX, **extra: Any) -> dict[str, Any]:
    return {"id": request_id, "path": "app.py", "language": "python", "prefix": prefix,
            "suffix": "\n", "cursor": {"line": prefix.count("\n") + 1,
                                       "column": len(prefix.rsplit("\n", 1)[-1]) + 1}, **extra}


@pytest.fixture(scope="module")
def script() -> Iterator[ScriptedOpenAI]:
    with scripted_openai(models=[MODEL], completion="return a + b\n") as server:
        yield server


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, script: ScriptedOpenAI
           ) -> Iterator[RunningServer]:
    root = tmp_path_factory.mktemp("complete")
    (root / "ws").mkdir()
    (root / "ws" / "app.py").write_text(PREFIX + "\n")
    env = {"PAIRPAD_AI__PROVIDERS__SCRIPTED__KIND": "openai_compat",
           "PAIRPAD_AI__PROVIDERS__SCRIPTED__BASE_URL": script.base_url,
           "PAIRPAD_AI__ROLES__AUTOCOMPLETE": f"scripted:{MODEL}",
           # Far over the tests' waits: only a cancel can stop a stream in time.
           "PAIRPAD_AI__AUTOCOMPLETE__TIMEOUT": "60"}
    running = start_server(root / "ws", Path(root / "data"), env=env)
    yield running
    running.stop()


@pytest.fixture(autouse=True)
def fresh_script(script: ScriptedOpenAI) -> None:
    script.completion_chunks, script.chunk_delay, script.completion = None, 0.0, "return a + b\n"


async def connect(server: RunningServer) -> socketio.AsyncClient:
    sio = socketio.AsyncClient(reconnection=False)
    await sio.connect(server.base_url, auth={"token": server.token}, transports=["websocket"],
                      wait_timeout=10)
    return sio


async def call(sio: socketio.AsyncClient, event: str, data: Any = None) -> dict[str, Any]:
    result: dict[str, Any] = await sio.call(event, data, timeout=20)
    return result


async def test_a_completion_over_the_socket(server: RunningServer) -> None:
    sio = await connect(server)
    try:
        ack = await call(sio, "complete:request", request("r1", prefix=PREFIX + "# unique\n    "))
        assert ack["items"] == [{"text": "return a + b", "range": {
            "start_line": 3, "start_column": 5, "end_line": 3, "end_column": 5}}]
        assert ack["model"] == f"scripted:{MODEL}" and ack["cached"] is False
        assert len(ack["id"]) == 32 and ack["id"] != "r1"  # the answer's id, for feedback
    finally:
        await sio.disconnect()


@pytest.mark.parametrize(("data", "status", "needle"), [
    (None, 400, "needs {id"),
    ({"path": "app.py"}, 400, "needs {id"),
    ({"id": "x", "path": "app.py"}, 422, "cursor"),
    ({"id": "x", **{k: v for k, v in request("x").items() if k != "id"}, "path": ".env"},
     403, "secret file"),
])
async def test_bad_requests_get_an_error_ack(
    server: RunningServer, data: Any, status: int, needle: str
) -> None:
    sio = await connect(server)
    try:
        ack = await call(sio, "complete:request", data)
        assert ack["status"] == status and needle in ack["error"]
        assert await call(sio, "complete:cancel") == {"error": "complete:cancel needs {id}",
                                                      "status": 400}
    finally:
        await sio.disconnect()


async def test_cancel_stops_the_generation_at_the_provider(
    server: RunningServer, script: ScriptedOpenAI
) -> None:
    script.completion_chunks = ["return"] + [" a"] * 100
    script.chunk_delay = 0.1  # 10 s if nobody stops it
    log = script.stream_log
    log.disconnected.clear()
    sio = await connect(server)
    try:
        assert await call(sio, "complete:cancel", {"id": "nothing"}) == {"ok": False}
        written = log.written
        pending = asyncio.create_task(call(sio, "complete:request",
                                           request("slow", prefix=PREFIX + "# slow\n    ")))
        async with asyncio.timeout(10):
            while log.written <= written:
                await asyncio.sleep(0.02)
        assert await call(sio, "complete:cancel", {"id": "slow"}) == {"ok": True}
        ack = await asyncio.wait_for(pending, 5)
        assert ack["items"] == []
        assert await asyncio.to_thread(log.wait_disconnected, 5)
        assert log.written - written < 50
    finally:
        await sio.disconnect()


async def test_a_socket_that_disconnects_cancels_its_requests(
    server: RunningServer, script: ScriptedOpenAI
) -> None:
    script.completion_chunks = ["return"] + [" b"] * 100
    script.chunk_delay = 0.1
    log = script.stream_log
    log.disconnected.clear()
    sio = await connect(server)
    written = log.written
    asyncio.create_task(sio.emit("complete:request",  # noqa: RUF006
                                 request("gone", prefix=PREFIX + "# gone\n    ")))
    async with asyncio.timeout(10):
        while log.written <= written:
            await asyncio.sleep(0.02)
    await sio.disconnect()
    assert await asyncio.to_thread(log.wait_disconnected, 5)
    assert log.written - written < 50


async def test_an_http_client_that_gives_up_cancels_the_generation(
    server: RunningServer, script: ScriptedOpenAI
) -> None:
    """Over real HTTP (uvicorn): a fetch the editor aborts closes the connection, the route
    sees `http.disconnect` and stops the provider's stream."""
    script.completion_chunks = ["return"] + [" c"] * 100
    script.chunk_delay = 0.1
    log = script.stream_log
    log.disconnected.clear()
    written = log.written
    payload = {k: v for k, v in request("x", prefix=PREFIX + "# http\n    ").items() if k != "id"}
    async with httpx.AsyncClient(base_url=server.base_url, headers=server.auth_headers) as http:
        with pytest.raises(httpx.ReadTimeout):
            await http.post("/api/complete", json=payload, timeout=httpx.Timeout(30, read=1.0))
    assert await asyncio.to_thread(log.wait_disconnected, 5)
    assert log.written - written < 50
